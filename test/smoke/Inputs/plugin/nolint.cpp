// The same finding, suppressed.
const char *kGithubToken = "ghp_4vQ8xZ2mN7pL1kR9tY3wE6sA0dF5gH2jK8cV"; // NOLINT(prodready-hardcoded-credential)
