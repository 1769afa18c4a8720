"""Checks: the accessibility audit of what was built and the lint of templates people edit."""
