"""Reaching people outside the site: what each person wants to hear about and how, and the
outbox of e-mail that tells them (sent later, in the background, once per thing)."""
