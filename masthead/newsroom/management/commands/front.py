"""`masthead front show|pin|unpin|move`: what leads the home page and each section's front.

`masthead front pin SLUG --front home --slot 1 --as EMAIL` makes a story the lead; `show`
prints a front as readers see it (pins first, then the newest). Through the same actions and
checks as the back office's fronts page (`masthead.newsroom.actions.fronts`): only an editor
pins. `--front` is `home` or a section's slug.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.newsroom import selectors
from masthead.newsroom.actions import ActionError, fronts
from masthead.newsroom.management.commands.story import (
    TIME_HELP,
    actor_for,
    future,
    section,
    shown,
    story,
)
from masthead.newsroom.models import FrontPin, Section


def front_named(name: str) -> Section | None:
    return None if name == "home" else section(name)


class Command(BaseCommand):
    help = "The fronts: show one, pin a story to it (in a slot, until a time), unpin, move."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        show = sub.add_parser("show", help="The front as readers see it.")
        show.add_argument("--front", default="home", help="home (default) or a section's slug")
        show.add_argument("--limit", type=int, default=10)
        for name, text in (
            ("pin", "Pin a story to a front (slot 1 is the lead)."),
            ("move", "Move a pinned story to another slot."),
            ("unpin", "Take a story off a front's pins."),
        ):
            command = sub.add_parser(name, help=text)
            command.add_argument("slug")
            command.add_argument("--front", default="home", help="home or a section's slug")
            command.add_argument("--as", dest="as_email", required=True, metavar="EMAIL")
            if name != "unpin":
                command.add_argument("--slot", type=int, required=name == "move")
            if name == "pin":
                command.add_argument("--until", help=f"the pin ends then ({TIME_HELP})")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        where = front_named(options["front"])
        if subcommand == "show":
            self.show(where, options["limit"])
            return
        actor = actor_for(options["as_email"])
        article = story(options["slug"])
        name = fronts.front_name(where)
        try:
            if subcommand == "unpin":
                if not fronts.unpin(article=article, actor=actor, section=where):
                    raise CommandError(f"{article.slug} is not pinned on {name}")
                self.stdout.write(f"unpinned {article.slug} from {name}")
                return
            until = None
            if subcommand == "move":
                pinned = FrontPin.objects.on(where).filter(article=article).first()
                if pinned is None:
                    raise CommandError(f"{article.slug} is not pinned on {name}: pin it")
                until = pinned.until  # a move keeps the pin's end
            elif options.get("until"):
                until = future(options["until"])
            pin = fronts.pin(
                article=article, actor=actor, section=where, slot=options["slot"], until=until
            )
        except ActionError as exc:
            raise CommandError(str(exc)) from exc
        ends = f" until {shown(pin.until)}" if pin.until else ""
        self.stdout.write(f"{article.slug}: slot {pin.slot} on {name}{ends}")

    def show(self, where: Section | None, limit: int) -> None:
        pins = {p.article_id: p for p in FrontPin.objects.on(where).live()}
        for n, article in enumerate(selectors.front(where, limit=limit), start=1):
            pin = pins.get(article.pk)
            how = "pinned" if pin else "newest"
            ends = f" until {shown(pin.until)}" if pin and pin.until else ""
            self.stdout.write(f"{n:>2}. [{how}{ends}] {article.headline} ({article.slug})")
