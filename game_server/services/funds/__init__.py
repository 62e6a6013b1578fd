"""What sector funds offer: time-boxed challenges with their rewards, offers (courses,
career conversations) and the anonymous impact figures they see.
"""
