"""What a worker has earned: XP, levels and rhythm, badges and their signed credentials,
the profile, and the xAPI learning record sent to an LRS.
"""
