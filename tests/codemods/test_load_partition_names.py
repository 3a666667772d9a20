# ruff: noqa: E501  (before/after source text reads best one statement per line)
"""`load(partition_names=x)`: the ORM loads the whole collection when x is None
(pymilvus orm/collection.py Collection.load: `if partition_names is not None:
conn.load_partitions(...) else: conn.load_collection(...)`), where load_partitions() fails
('no partition specified' on Milvus 2.3.5; holdout repro load_optional_partitions)."""

from tests.codemods.cm_helpers import check

HEAD = 'from pymilvus import Collection, connections\nconnections.connect(uri="http://h:1")\nc = Collection("x")\n'
# The collection stays ORM and nothing else migrates: the connect stays, alone (a client
# beside it would go unused).
KEPT = HEAD
NEW = 'from pymilvus import MilvusClient\n\nclient = MilvusClient(uri="http://h:1")\nc = "x"\n'


def test_list_literals_and_none():
    check(
        HEAD
        + "c.load(partition_names=['a'])\nc.load(('a',), replica_number=2)\nc.load(partition_names=[])\nc.load(partition_names=None)\n",
        NEW
        + "client.load_partitions(collection_name=c, partition_names=['a'])\nclient.load_partitions(collection_name=c, partition_names=('a',), replica_number=2)\n"
        + "client.load_partitions(collection_name=c, partition_names=[])\nclient.load_collection(collection_name=c)\n",
    )


def test_local_only_ever_a_list_is_not_none():
    check(
        HEAD + "def warm():\n    ps = ['a']\n    c.load(partition_names=ps)\n",
        NEW
        + "def warm():\n    ps = ['a']\n    client.load_partitions(collection_name=c, partition_names=ps)\n",
    )


def test_name_that_may_be_none_keeps_both_branches():
    # before this change: client.load_partitions(collection_name=c, partition_names=partitions)
    check(
        HEAD
        + "def nearest(partitions=None):\n    c.load(partition_names=partitions)  # warm\n    x = [c.load(partitions)]\n",
        NEW
        + "def nearest(partitions=None):\n    client.load_partitions(collection_name=c, partition_names=partitions) if partitions is not None else client.load_collection(collection_name=c)  # warm\n"
        + "    x = [(client.load_partitions(collection_name=c, partition_names=partitions) if partitions is not None else client.load_collection(collection_name=c))]\n",
    )


def test_other_expression_that_may_be_none_stays_orm():
    body = "class S:\n    def warm(self):\n        c.load(partition_names=self.parts)\n"
    findings = check(HEAD + body, KEPT + body)
    assert any(
        f.code == "MM111" and "`partition_names=self.parts` may be None" in f.message
        for f in findings
    ), findings
