from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from authorities.models import Authority


class Command(BaseCommand):
    help = 'Add a council to the installation: add_authority "Wirral Council".'

    def add_arguments(self, parser):
        parser.add_argument("name", help='as the council prints it: "Wirral Council"')

    def handle(self, *args, name: str, **options):
        name = name.strip()
        if not name:
            raise CommandError("Give the council's name.")
        if (existing := Authority.objects.named(name)) is not None:
            raise CommandError(f"{existing} is already here (its slug is {existing.slug}).")
        authority = Authority(name=name, slug=slugify(name)[:60])
        try:
            authority.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        authority.save()
        self.stdout.write(f"Added {authority} (slug {authority.slug}).")
