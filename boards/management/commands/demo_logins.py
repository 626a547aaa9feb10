from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from boards.demo import DEMO_LOGINS

NO_DEMO_USERS = "No demo users: run `DEBUG=1 python manage.py load_demo` first."


class Command(BaseCommand):
    help = "Print the demo logins that load_demo created, with each one's role."

    def handle(self, *args, **options):
        existing = dict(
            get_user_model()
            .objects.filter(username__in=[login.username for login in DEMO_LOGINS])
            .values_list("username", "email")
        )
        logins = [login for login in DEMO_LOGINS if login.username in existing]
        if not logins:
            self.stdout.write(NO_DEMO_USERS)
            return
        self.stdout.write("Demo logins (http://127.0.0.1:8000/):")
        for login in logins:
            self.stdout.write(f"  {login.username} / {login.password}")
            self.stdout.write(f"      {login.role}; e-mail {existing[login.username] or 'none'}")
            self.stdout.write(f"      Try: {login.try_this}")
        self.stdout.write(
            "The administrator and improvement leads sign in with two factors: at their first "
            "sign-in they set up an authenticator app (docs/sign-in.md)."
        )
