"""Forms of the live-session pages. Rules live in the services; these only carry the fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import InputRequired, Length


class JoinForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("The six letters and numbers on the big screen."),
        validators=[InputRequired(_l("Enter the code from the screen.")), Length(max=12)],
    )
    nickname = StringField(
        _l("Your name in this session"),
        description=_l("A first name or a nickname is fine."),
        validators=[InputRequired(_l("Enter a name.")), Length(max=40)],
    )
    show_name = BooleanField(_l("Show my name on the big screen"))


class StartLiveForm(FlaskForm):
    quest_id = HiddenField(validators=[InputRequired()])
