"""Forms of the account pages (the rules are in storybank/accounts/)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password")
    new = PasswordField("New password (10 characters or more, hard to guess)")


class ForgotForm(FlaskForm):
    email = EmailField("Email")


class ResetForm(FlaskForm):
    password = PasswordField("New password (10 characters or more, hard to guess)")


class CodeForm(FlaskForm):
    code = StringField("Code from your authenticator app, or a recovery code")


class TwoFactorSetupForm(FlaskForm):
    secret = HiddenField()
    code = StringField("The six-digit code your app shows")


class TokenForm(FlaskForm):
    label = StringField("What is this token for?")


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password")
    confirm = BooleanField("I understand that every story of mine will be withdrawn and my account erased")


class EmailLinkForm(FlaskForm):
    email = EmailField("Their email address")
    token = HiddenField()
