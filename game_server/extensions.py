"""Extensions, created unbound and attached in create_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
# No default limits: each sensitive route declares its own.
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
babel = Babel()
mailer = Mail()
