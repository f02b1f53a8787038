"""DotMac platform: multi-tenant provisioning, sales and deployment services."""

__version__ = "1.4.2"
