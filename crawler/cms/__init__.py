"""One module per CMS family, for what that family does differently.

Most of a walk is shared (`crawler.discovery`); a family only adds how its lists page
(TRS's `createPageHTML`, Hanweb's `<datastore>` and dataproxy POST), how its URLs carry
state (legacy JSP session ids) or that its content only exists after JavaScript runs.
"""
