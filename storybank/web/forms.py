"""Forms collect and carry CSRF tokens; the rules live in the services."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Optional

from storybank.archive.models import ATTRIBUTIONS, COLLECTION_METHODS, KIND_LABELS
from storybank.archive.validation import HELP_FROM_LABELS, SIGNIFIER_ABOUT
from storybank.policy import ROLE_LABELS, ROLES

ATTRIBUTION_LABELS = {
    "name": "Use my name",
    "pseudonym": "Use a made-up name",
    "anonymous": "Anonymous",
}


def options(pairs: object) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects rather than (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[union-attr]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class EmptyForm(FlaskForm):
    """A button that changes something: carries only the CSRF token."""


class LoginForm(FlaskForm):
    email = EmailField("Email")
    password = PasswordField("Password")
    next = HiddenField()


class ConsentFields(FlaskForm):
    research = BooleanField("Research: the research team may read and code my story")
    workshop = BooleanField("Workshop: a version without names may be read in sense-making workshops")
    publication = BooleanField("Publication: short quotations may appear in reports")
    attribution = RadioField(
        "If my words are used, attribute them",
        choices=options([(a, ATTRIBUTION_LABELS[a]) for a in ATTRIBUTIONS]),
        default="pseudonym",
        validate_choice=False,
    )


class StoryForm(ConsentFields):
    title = StringField("Title")
    body = TextAreaField("Your story", render_kw={"rows": 18})
    kind = RadioField(
        "This is a", choices=options(list(KIND_LABELS.items())), default="lived_experience",
        validate_choice=False,
    )
    site = SelectField("Where", choices=[], validate_choice=False)
    storyteller_role = StringField("Your role (practitioners)", validators=[Optional()])
    collection_method = SelectField(
        "How it was collected", choices=options([(m, m.replace("-", " ").capitalize()) for m in COLLECTION_METHODS]),
        default="written", validate_choice=False,
    )
    collected_by = StringField("Collected by", validators=[Optional()])
    collected_on = DateField("Collected on", validators=[Optional()])
    about = MultiCheckboxField(
        "What is this story mostly about? (up to three)", choices=options([(a, a.capitalize()) for a in SIGNIFIER_ABOUT]),
        validate_choice=False,
    )
    help_from = RadioField(
        "Where did help come from?", choices=options([("", "Rather not say"), *HELP_FROM_LABELS.items()]), default="",
        validate_choice=False,
    )
    felt_heard = RadioField(
        "How did you feel?",
        choices=options([("", "Rather not say"), ("1", "1 — dismissed"), ("2", "2"), ("3", "3"), ("4", "4"),
                         ("5", "5 — heard")]),
        default="", validate_choice=False,
    )
    form_version = HiddenField()


class ReviseForm(FlaskForm):
    title = StringField("Title")
    body = TextAreaField("Your story", render_kw={"rows": 18})
    revision = HiddenField()  # the revision the teller started from: a later save by someone else is 409


class ConsentForm(ConsentFields):
    form_version = HiddenField()


class WithdrawForm(FlaskForm):
    confirm = BooleanField("I understand that my story's text will be deleted and cannot be recovered")


class ClaimSignupForm(FlaskForm):
    display_name = StringField("Your name (only you and administrators see it)")
    email = EmailField("Email")
    password = PasswordField("Choose a password (10 characters or more)")


class UserForm(FlaskForm):
    email = EmailField("Email")
    display_name = StringField("Name")
    password = PasswordField("Password (new accounts)")
    roles = MultiCheckboxField("Roles", choices=options([(r, ROLE_LABELS[r]) for r in ROLES]), validate_choice=False)
    active = BooleanField("Active", default=True)


class ConsentFormTextForm(FlaskForm):
    text = TextAreaField("Consent form text (Markdown)", render_kw={"rows": 16})
