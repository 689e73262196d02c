"""The workplace stores nothing; this module exists so post_migrate reaches the app
(Django only signals apps with a models module), which keeps the Editors group up to date."""
