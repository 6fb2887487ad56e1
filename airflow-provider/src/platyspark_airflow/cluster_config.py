"""
Cluster configs, written the way PlatySpark users already write them, sent to the server as its ClusterConfig JSON.

The server owns the platform defaults (Hive, Iceberg, subnets, roles, log URI) and validates every config (a
``team`` tag is mandatory; instance types and capacity follow policy) before any AWS call. This module only
builds the document; a bad config comes back as a clear 400 naming the field.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any


class InstanceWeightRatio:
    """Instance types of a fleet and their weights (units of capacity each)."""

    def __init__(self) -> None:
        self.weights: dict[str, int] = {}

    def add_instance(self, instance_type: str, weight: int) -> InstanceWeightRatio:
        if weight < 1:
            raise ValueError(f"InstanceWeightRatio.add_instance: weight of {instance_type} must be at least 1")
        self.weights[instance_type] = weight
        return self


class LaunchSpecifications:
    """How EMR fills a fleet with spot and on-demand instances; unset values take the platform's defaults."""

    def __init__(self, spot_allocation_strategy: str | None = None, spot_timeout_minutes: int | None = None,
                 spot_timeout_action: str | None = None, on_demand_allocation_strategy: str | None = None) -> None:
        self.values = {
            "spotAllocationStrategy": spot_allocation_strategy,
            "spotTimeoutMinutes": spot_timeout_minutes,
            "spotTimeoutAction": spot_timeout_action,
            "onDemandAllocationStrategy": on_demand_allocation_strategy,
        }

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.values.items() if v is not None}


class ClusterConfig:
    """
    A dedicated cluster's config: a fluent builder over the server's ClusterConfig JSON. A run with it creates
    the cluster (by name, once, even under concurrent submits) when no active cluster has that name.

    >>> ClusterConfig(name="my-emr-cluster", is_graviton_emr=True).with_tags(team="data").to_dict()["tags"]
    {'team': 'data'}
    """

    kind = "DEDICATED"

    def __init__(self, name: str, is_graviton_emr: bool = True) -> None:
        if not name:
            raise ValueError("ClusterConfig.name: is required, e.g. 'etl-daily'")
        self.name = name
        self._doc: dict[str, Any] = {"name": name, "graviton": bool(is_graviton_emr)}

    def overwrite(self, key: str, value: Any) -> ClusterConfig:
        """Sets a RunJobFlow field the builder has no method for, e.g. ``('AutoTerminationPolicy', {...})``."""
        self._doc.setdefault("overwrites", {})[key] = value
        return self

    def with_instance_fleets(
        self,
        *,
        master_instances: list[str] | None = None,
        core_instances_and_weights: InstanceWeightRatio | None = None,
        task_instances_and_weights: InstanceWeightRatio | None = None,
        core_target_ondemand_capacity: int | None = None,
        core_target_spot_capacity: int | None = None,
        task_target_ondemand_capacity: int | None = None,
        task_target_spot_capacity: int | None = None,
        volume_size_in_gb_master: int | None = None,
        volume_size_in_gb_worker: int | None = None,
        number_of_volumes_per_node: int | None = None,
        launch_specifications: LaunchSpecifications | None = None,
    ) -> ClusterConfig:
        fleets = {
            "masterInstances": list(master_instances) if master_instances else None,
            "coreInstancesAndWeights": core_instances_and_weights.weights if core_instances_and_weights else None,
            "taskInstancesAndWeights": task_instances_and_weights.weights if task_instances_and_weights else None,
            "coreTargetOnDemandCapacity": core_target_ondemand_capacity,
            "coreTargetSpotCapacity": core_target_spot_capacity,
            "taskTargetOnDemandCapacity": task_target_ondemand_capacity,
            "taskTargetSpotCapacity": task_target_spot_capacity,
            "volumeSizeInGbMaster": volume_size_in_gb_master,
            "volumeSizeInGbWorker": volume_size_in_gb_worker,
            "numberOfVolumesPerNode": number_of_volumes_per_node,
            "launchSpecifications": launch_specifications.to_dict() if launch_specifications else None,
        }
        self._doc["instanceFleets"] = {k: v for k, v in fleets.items() if v is not None}
        return self

    def with_tags(self, **tags: str) -> ClusterConfig:
        self._doc.setdefault("tags", {}).update({k: str(v) for k, v in tags.items()})
        return self

    def with_cluster_configurations(self, classification: str, config: Mapping[str, str]) -> ClusterConfig:
        """Adds an EMR configuration classification, e.g. ``spark-defaults``; repeated calls merge."""
        self._doc.setdefault("configurations", {}).setdefault(classification, {}).update(
            {k: str(v) for k, v in config.items()})
        return self

    def with_bootstrap_action(self, name: str, path: str, *args: str) -> ClusterConfig:
        self._doc.setdefault("bootstrapActions", []).append({"name": name, "path": path, "args": list(args)})
        return self

    def with_python_requirements(self, *requirements: str) -> ClusterConfig:
        """
        Pip requirement lines (pinned) the platform installs on every node at start-up: it writes the script to its
        artifact bucket and adds it as a bootstrap action, for teams that prefer this to an environment per app.
        Repeated calls add lines.
        """
        for line in requirements:
            if not isinstance(line, str) or not line.strip():
                raise ValueError("ClusterConfig.with_python_requirements: one requirement per argument, "
                                 "e.g. 'requests==2.32.3'")
        self._doc.setdefault("pythonRequirements", []).extend(line.strip() for line in requirements)
        return self

    def with_idle_timeout(self, seconds: int) -> ClusterConfig:
        """Terminate the cluster after this many idle seconds."""
        self._doc["idleTimeoutSeconds"] = int(seconds)
        return self

    def with_release_label(self, release_label: str) -> ClusterConfig:
        self._doc["releaseLabel"] = release_label
        return self

    def with_applications(self, *applications: str) -> ClusterConfig:
        self._doc["applications"] = list(applications)
        return self

    def to_dict(self) -> dict[str, Any] | None:
        """The JSON document the REST API takes as ``config`` / ``clusterConfig``."""
        return copy.deepcopy(self._doc)


class SharedClusterConfig:
    """
    The platform's shared cluster (``SharedClusterConfig()`` in PlatySpark). Apps run there in their team's YARN
    queue; the platform creates and re-creates it, so a run never sends a config for it.
    """

    kind = "SHARED"

    def __init__(self, name: str = "shared") -> None:
        self.name = name

    def to_dict(self) -> None:
        return None


class DevClusterConfig:
    """
    A small development cluster from the platform's preset (terminated when idle). A run with it gets or creates
    the cluster by name before submitting.
    """

    kind = "DEV"

    def __init__(self, name: str, team: str | None = None) -> None:
        if not name:
            raise ValueError("DevClusterConfig.name: is required")
        self.name = name
        self.team = team

    def to_dict(self) -> None:
        return None


AnyClusterConfig = ClusterConfig | SharedClusterConfig | DevClusterConfig
