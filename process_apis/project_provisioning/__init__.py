"""Project provisioning: a won deal becomes a customer, a project and its terms everywhere."""
