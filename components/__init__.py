"""Pulumi components that build the optimised Government Cloud architecture.

Using a component with no options gives the cost-optimal, secure shape; each
args class documents its defaults. Import the component modules directly
(``from gcmod.components.network import Network``); this package does not
import pulumi_aws eagerly so that ``gcmod --help`` stays fast.
"""
