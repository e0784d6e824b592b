"""Domain models arrive with the domain-model issue."""
