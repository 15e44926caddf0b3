"""Built-in sample stacks and the Pulumi program entry point (``__main__``)."""
