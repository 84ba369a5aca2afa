"""nianbao (年报): crawler and versioned archive of government information-disclosure annual reports."""
__version__ = "0.1.0"
