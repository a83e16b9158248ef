"""Background jobs, in the kernel: the runner (:mod:`portal.jobs.runner`) and the page's progress fragment.

The model is ``portal.BackgroundJob``; a page includes ``components/job_progress.html`` with ``job``
and the fragment polls ``portal:job_status`` (:mod:`portal.jobs.views`) until the job is finished.
"""

from .runner import (
    JOB_TASK_OPTIONS,
    JobFailed,
    job_live,
    job_run,
    job_task,
    jobs_requeue_waiting,
    jobs_sweep_stale,
    stale_after,
)

__all__ = [
    "JOB_TASK_OPTIONS",
    "JobFailed",
    "job_live",
    "job_run",
    "job_task",
    "jobs_requeue_waiting",
    "jobs_sweep_stale",
    "stale_after",
]
