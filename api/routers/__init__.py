"""The API's endpoints, a router for each part of the site (assembled in ``api.api``)."""
