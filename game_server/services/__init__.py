"""The domain: plain functions taking a keyword-only Session; no Flask imports here.

Grouped by aggregate, each package depending only on those before it (an import test keeps
it so): common; identity; progress; funds; play; together (live sessions); guidance
(coaching); privacy.
"""
