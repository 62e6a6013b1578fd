"""Forms of the challenge pages. The rules live in the services; these carry the fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .menu_labels import AGE_BAND_LABELS, REGION_LABELS, SECTOR_LABELS, choices


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class JoinChallengeForm(FlaskForm):
    nickname = StringField(
        _l("Your name"),
        description=_l("A first name or a nickname is fine. You need no e-mail address."),
        validators=[Optional(), Length(max=40)],
    )
    sector = SelectField(_l("Your sector (you may skip this)"), validators=[Optional()])
    age_band = SelectField(_l("Your age (you may skip this)"), validators=[Optional()])
    region = SelectField(_l("Your province (you may skip this)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        skip = _l("I'd rather not say")
        self.sector.choices = choices(SECTOR_LABELS, skip)
        self.age_band.choices = choices(AGE_BAND_LABELS, skip)
        self.region.choices = choices(REGION_LABELS, skip)


class ClaimForm(FlaskForm):
    share_contact = BooleanField(_l("The organiser may see my name and how to reach me"))
    contact = StringField(
        _l("Phone number or e-mail address (only if you ticked the box)"),
        validators=[Optional(), Length(max=200)],
    )


class ChallengeForm(FlaskForm):
    title_nl = StringField(_l("Title in Dutch"), validators=[InputRequired(), Length(max=120)])
    title_en = StringField(_l("Title in English"), validators=[InputRequired(), Length(max=120)])
    description_nl = TextAreaField(
        _l("What is it about? (Dutch, short sentences)"),
        validators=[InputRequired(), Length(max=4000)],
    )
    description_en = TextAreaField(
        _l("What is it about? (English)"), validators=[InputRequired(), Length(max=4000)]
    )
    sectors = Checkboxes(_l("For which sectors?"), validators=[InputRequired()])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    quest_ids = Checkboxes(_l("Quests that count"), validators=[InputRequired()])
    track_ids = Checkboxes(_l("Tracks to suggest (optional)"), validators=[Optional()])
    goal_kind = RadioField(
        _l("The goal everyone works on together"),
        choices=[
            SelectChoice("participants", _l("A number of participants")),
            SelectChoice("quests", _l("A number of quests completed")),
        ],
        default="participants",
    )
    goal_target = IntegerField(
        _l("How many?"), validators=[InputRequired(), NumberRange(min=1, max=10_000_000)]
    )
    voucher_title_nl = StringField(
        _l("Voucher reward: title in Dutch (optional)"), validators=[Optional(), Length(max=120)]
    )
    voucher_title_en = StringField(
        _l("Voucher reward: title in English"), validators=[Optional(), Length(max=120)]
    )
    voucher_needed = IntegerField(
        _l("Quests needed for a voucher"), default=1, validators=[Optional(), NumberRange(0, 100)]
    )
    voucher_codes = TextAreaField(
        _l("Voucher codes, one per line"),
        description=_l("Each code goes to one worker, once."),
        validators=[Optional(), Length(max=1_000_000)],
    )
    offer_id = SelectField(_l("A place in one of your offers (optional)"), validators=[Optional()])
    offer_needed = IntegerField(
        _l("Quests needed for a place (0: open to everyone who joined)"),
        default=0,
        validators=[Optional(), NumberRange(0, 100)],
    )


class OfferForm(FlaskForm):
    kind = RadioField(
        _l("What do you offer?"),
        choices=[
            SelectChoice("course", _l("A course")),
            SelectChoice("conversation", _l("A career conversation")),
            SelectChoice("workshop", _l("A workshop")),
        ],
        default="course",
    )
    title_nl = StringField(_l("Title in Dutch"), validators=[InputRequired(), Length(max=120)])
    title_en = StringField(_l("Title in English"), validators=[InputRequired(), Length(max=120)])
    description_nl = TextAreaField(
        _l("Description in Dutch"), validators=[InputRequired(), Length(max=4000)]
    )
    description_en = TextAreaField(
        _l("Description in English"), validators=[InputRequired(), Length(max=4000)]
    )
    capacity = IntegerField(
        _l("Number of places"), validators=[InputRequired(), NumberRange(min=1, max=100_000)]
    )
