"""The generic submission link: people without an account submit a job within the shop's quotas."""
