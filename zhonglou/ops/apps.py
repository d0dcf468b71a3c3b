from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations that concern the whole installation (backup, restore): commands only, no
    models. Part of the infrastructure layer: it imports no app of the product."""

    name = "zhonglou.ops"
    label = "zhonglou_ops"
    verbose_name = "Operations"
