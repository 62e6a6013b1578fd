"""Coaches and the workers who consent: links and what is shared, notes, feedback,
assignments and their reminders.
"""
