"""`Role`: the ORM's RBAC handle on MilvusClient's role/privilege methods."""

from __future__ import annotations

from typing import Any

from compat_shim._warn import shimmed
from compat_shim.connections import DEFAULT_ALIAS, client_for


class Role:
    @shimmed("Role")
    def __init__(self, name: str, using: str = DEFAULT_ALIAS, **kwargs: Any) -> None:
        self._name = name
        self._using = using
        self._kwargs = kwargs

    @property
    def _client(self) -> Any:
        return client_for(self._using)

    @property
    def name(self) -> str:
        return self._name

    @shimmed("Role.create")
    def create(self) -> None:
        self._client.create_role(self._name)

    @shimmed("Role.drop")
    def drop(self) -> None:
        self._client.drop_role(self._name)

    @shimmed("Role.add_user")
    def add_user(self, username: str) -> None:
        self._client.grant_role(user_name=username, role_name=self._name)

    @shimmed("Role.remove_user")
    def remove_user(self, username: str) -> None:
        self._client.revoke_role(user_name=username, role_name=self._name)

    @shimmed("Role.get_users")
    def get_users(self) -> list:
        # MilvusClient has no per-role user listing: ask every user for its roles.
        client = self._client
        return [
            u
            for u in client.list_users()
            if self._name in (client.describe_user(u).get("roles") or [])
        ]

    @shimmed("Role.is_exist")
    def is_exist(self) -> bool:
        return self._name in self._client.list_roles()

    def _change_privilege(
        self,
        call: Any,
        object: str,
        object_name: str,
        privilege: str,
        db_name: str,
        kwargs: dict,
    ) -> None:
        """Grant or revoke (`call`) with the ORM's argument names mapped to MilvusClient's."""
        call(
            role_name=self._name,
            object_type=object,
            privilege=privilege,
            object_name=object_name,
            db_name=db_name,
            **kwargs,
        )

    @shimmed("Role.grant")
    def grant(
        self, object: str, object_name: str, privilege: str, db_name: str = "", **kwargs: Any
    ) -> None:
        self._change_privilege(
            self._client.grant_privilege, object, object_name, privilege, db_name, kwargs
        )

    @shimmed("Role.revoke")
    def revoke(self, object: str, object_name: str, privilege: str, db_name: str = "") -> None:
        self._change_privilege(
            self._client.revoke_privilege, object, object_name, privilege, db_name, {}
        )

    @shimmed("Role.grant_v2")
    def grant_v2(
        self, privilege: str, collection_name: str, db_name: str | None = None, **kwargs: Any
    ) -> None:
        self._client.grant_privilege_v2(
            self._name, privilege, collection_name, db_name=db_name, **kwargs
        )

    @shimmed("Role.revoke_v2")
    def revoke_v2(
        self, privilege: str, collection_name: str, db_name: str | None = None, **kwargs: Any
    ) -> None:
        self._client.revoke_privilege_v2(
            self._name, privilege, collection_name, db_name=db_name, **kwargs
        )

    @shimmed("Role.list_grant")
    def list_grant(self, object: str, object_name: str, db_name: str = "") -> list:
        privileges = self._client.describe_role(self._name, db_name=db_name).get("privileges", [])
        return [
            p
            for p in privileges
            if p.get("object_type") == object and p.get("object_name") == object_name
        ]

    @shimmed("Role.list_grants")
    def list_grants(self, db_name: str = "") -> list:
        return self._client.describe_role(self._name, db_name=db_name).get("privileges", [])

    @shimmed("Role.create_privilege_group")
    def create_privilege_group(self, privilege_group: str) -> None:
        self._client.create_privilege_group(group_name=privilege_group)

    @shimmed("Role.drop_privilege_group")
    def drop_privilege_group(self, privilege_group: str) -> None:
        self._client.drop_privilege_group(group_name=privilege_group)

    @shimmed("Role.list_privilege_groups")
    def list_privilege_groups(self) -> list:
        return self._client.list_privilege_groups()

    @shimmed("Role.add_privileges_to_group")
    def add_privileges_to_group(self, privilege_group: str, privileges: list) -> None:
        self._client.add_privileges_to_group(group_name=privilege_group, privileges=privileges)

    @shimmed("Role.remove_privileges_from_group")
    def remove_privileges_from_group(self, privilege_group: str, privileges: list) -> None:
        self._client.remove_privileges_from_group(group_name=privilege_group, privileges=privileges)
