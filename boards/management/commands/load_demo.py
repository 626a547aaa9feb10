from django.core.management.base import BaseCommand

from boards.demo import ILLUSTRATIVE, USERS_CREATED, USERS_SKIPPED, load_demo


class Command(BaseCommand):
    help = (
        "Load the Wirral 2016 demo plan from fixtures/wirral/ through the importer, live today "
        "with an illustrative history (safe to run again)."
    )

    def handle(self, *args, **options):
        loaded = load_demo()
        plan = loaded.plan
        self.stdout.write(
            f"{plan.title} ({plan.slug}): {plan.actions.count()} actions, "
            f"{plan.recommendations().count()} recommendations, {plan.risks.count()} risks, "
            f"{plan.measures.count()} measures."
        )
        self.stdout.write(ILLUSTRATIVE)
        self.stdout.write(USERS_CREATED if loaded.users_created else USERS_SKIPPED)
