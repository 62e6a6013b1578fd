"""Playing a quest, alone or in a peer group: runs and their one completion path, the step a
player sees, idempotent answers, groups, their feed and sharing, the journal and check-ins.
"""
