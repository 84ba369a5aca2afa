"""Scrapy project: from a seed list of bureau sites to report items."""
