// A finding for the front-end smoke tests: a GitHub token in the binary.
const char *kGithubToken = "ghp_4vQ8xZ2mN7pL1kR9tY3wE6sA0dF5gH2jK8cV";

int answer() { return 42; }
