"""nearmiss-lab: a research workbench for law-enforcement near-miss reports.

The pipeline is one module per stage (see README "Architecture"); every stage is a plain
function over plain data so it runs the same in a notebook, the CLI, the tests and a
distributed map step.
"""

from nearmiss_lab.issues import Issue, Report, Severity

__version__ = "0.1.0"

__all__ = ["Issue", "Report", "Severity", "__version__"]
