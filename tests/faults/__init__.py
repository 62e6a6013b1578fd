"""Fault tests: real processes killed, stopped and broken; nothing acknowledged is lost."""
