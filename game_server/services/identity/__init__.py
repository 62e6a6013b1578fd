"""Who someone is: accounts and guests, passwords, API tokens, two-factor authentication, and
the organisations (funds, employers) people belong to.
"""
