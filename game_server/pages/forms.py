"""Forms for the account pages. Rules live in the services; these only carry the fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[InputRequired(_l("Enter your e-mail address."))]
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])
    next = HiddenField()


class RegisterForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        description=_l("Your first name or a nickname is fine. Others in your group see it."),
        validators=[InputRequired(_l("Enter a name.")), Length(max=80)],
    )
    email = EmailField(
        _l("E-mail address"), validators=[InputRequired(_l("Enter your e-mail address."))]
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 8 characters. A few words in a row are easy to remember."),
        validators=[InputRequired(_l("Choose a password."))],
    )
    next = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 8 characters. You will be logged out on your other devices."),
        validators=[InputRequired(_l("Choose a new password."))],
    )


class GuestForm(FlaskForm):
    nickname = StringField(
        _l("Nickname"),
        description=_l("Others see this name. You do not need an e-mail address."),
        validators=[InputRequired(_l("Enter a nickname.")), Length(max=40)],
    )
    next = HiddenField()


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6 digits in your authenticator app, or one of your recovery codes."),
        validators=[InputRequired(_l("Enter the code.")), Length(max=20)],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        description=_l("The address you log in with. We send a link to it."),
        validators=[InputRequired(_l("Enter your e-mail address."))],
    )


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 8 characters. You will be logged out on every device."),
        validators=[InputRequired(_l("Choose a new password."))],
    )
