"""Reports made from the warehouse (read-only): the monthly bulletin and the year-end assessment.

Called by the pipeline's CLI and build, and by the app; it imports neither of them.
"""
