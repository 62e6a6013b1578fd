"""Live sessions at the workplace: the host's session, the phones' seats and answers, the
session history and the follow-ups people ask for afterwards.
"""
