"""cfn_double: a local CloudFormation double for deploy tests. It is moto's server
(moto 5.2.5) started in-process after these patches:
  * every resource type with a provider schema (cfn-lint 1.58 ships ~1850) gets
    a generic model: deterministic physical ids (stack name, logical id,
    replacement count), every Fn::GetAtt attribute the schema allows, in-place
    update or replacement decided by the schema's createOnlyProperties, and
    CloudFormation's refusal to replace a custom-named resource;
  * change sets report Replacement/Details/Scope/PolicyAction, including the
    dependents of replaced resources (Dynamic, Replacement Conditional);
  * CreateChangeSet refuses unknown types, dangling Ref/DependsOn, bad GetAtt;
  * executing a change set fills outputs, exports and Fn::ImportValue, refuses
    to change or delete an export in use, re-resolves dependents of replaced
    resources, records a resource event per create/update, turns a failure into
    *_ROLLBACK_COMPLETE (or *_FAILED with DisableRollback) with a *_FAILED
    event, and deletes the stack's other change sets;
  * DeleteStack of a stack whose exports are imported ends DELETE_FAILED;
  * Fn::Cidr, which moto leaves unresolved, carves real blocks (a made-up
    IPv6 pool stands in for a generic model's attribute).
Nothing is provisioned: no EC2, IAM or EKS state exists behind the resources.

Faults, for tests of what a deploy tool does when CloudFormation misbehaves:
  * --fail REGEX: creating or updating a resource whose logical id matches
    fails (the stack then rolls back, or stays failed with DisableRollback);
  * --throttle N: the first N calls of each CloudFormation action answer
    Throttling ("Rate exceeded"), as a busy account does;
  * --slow N: an executed change set leaves its stack *_IN_PROGRESS for the
    next N DescribeStacks calls that see it, so waits, busy stacks,
    interruptions and dying endpoints can be tested.

usage: python cfn_double.py [-H 127.0.0.1] [-p 5000] [--moto-models all|T1,T2] [--seed N]
                            [--fail REGEX] [--throttle N] [--slow N]
  --moto-models: use moto's own model (and service backend) for these types
  instead of the generic one, where moto has one ("all": wherever it has one).
"""
import argparse, hashlib, re, threading
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as PSM
from moto.core.common_models import CloudFormationModel
from moto.cloudformation import models as M, parsing as P, responses as R
from moto.cloudformation.exceptions import CloudFormationError, ValidationError

NOPE, TLS, MOTO, STACKS = object(), threading.local(), set(), {}  # STACKS: stack id -> Stack


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFound"


class Throttling(CloudFormationError):
    code = "Throttling"


FAULTS = {"fail": None, "throttle": 0, "calls": {}, "slow": 0}
SLOW = {}  # stack id -> [describes left, final status]


def slow(stack, doing):  # the stack shows `doing` until SLOW runs out
    if FAULTS["slow"] > 0:
        SLOW[stack.stack_id] = [FAULTS["slow"], stack.status]
        stack.status = doing


def schema(t, part=None, default=None):
    try:
        s = PSM.get_resource_schema("us-east-1", t)
        return s.schema.get(part, default) if part else s
    except Exception:
        return default


def getatts(t):
    try:
        return PSM.get_type_getatts(t, "us-east-1")
    except Exception:
        return None


def at(obj, ptr):  # "/properties/A/B" -> obj["A"]["B"]
    for part in ptr.split("/")[2:]:
        if not isinstance(obj, dict) or part not in obj:
            return NOPE
        obj = obj[part]
    return obj


def recreation(t, old, new, prop):  # does changing top-level property `prop` recreate a `t`?
    hit = [p for p in schema(t, "createOnlyProperties", []) if (p + "/").startswith("/properties/%s/" % prop)]
    return "Always" if any(at(old, p) != at(new, p) for p in hit) else "Never"


class Generic(CloudFormationModel):
    TYPE, __module__ = "Cairn::Generic", "moto.cfn_double"  # moto files models by the module's 2nd part

    def __init__(self, stack_name, logical, props, account, region, generation=0, version=1):
        self.stack_name, self.logical, self.props, self.account, self.region = stack_name, logical, props, account, region
        self.generation, self.version, ids = generation, version, schema(self.TYPE, "primaryIdentifier", [])
        h = hashlib.sha256(("%s|%s|%d" % (stack_name, logical, generation)).encode()).hexdigest()[:12].upper()
        self.base = "%s-%s-%s" % (stack_name, logical, h)
        if len(ids) == 1 and isinstance(at(props, ids[0]), str):
            self.base = at(props, ids[0])
        self.physical_resource_id = "|".join(str(self.value(p)) for p in ids) or self.base

    def value(self, ptr):  # a property as given, else a made-up value shaped by the attribute's name and type
        if at(self.props, ptr) is not NOPE:
            return at(self.props, ptr)
        last, (_, svc, kind), ids = ptr.split("/")[-1], self.TYPE.lower().split("::"), schema(self.TYPE, "primaryIdentifier", [])
        if last.lower().endswith("arn"):
            region, account = {"iam": ("", self.account), "s3": ("", "")}.get(svc, (self.region, self.account))
            v = "arn:aws:%s:%s:%s:%s/%s" % (svc, region, account, kind, self.base)
        elif last.endswith(("Url", "URL", "Endpoint")):
            v = "https://%s.%s.%s.amazonaws.com" % (self.base.lower(), svc, self.region)
        elif "dns" in last.lower():
            v = "%s.%s.%s.amazonaws.com" % (self.base.lower(), svc, self.region)
        elif last.endswith(("Number", "Version")):
            v = str(self.version)
        elif ptr in ids and (len(ids) == 1 or ptr not in schema(self.TYPE, "readOnlyProperties", [])):
            v = self.base  # a generated name, or a made-up id
        else:
            v = "%s-%s" % (self.base, last.lower())
        try:
            return [v] if schema(self.TYPE).resolver.resolve_cfn_pointer(ptr).get("type") == "array" else v
        except Exception:
            return v

    def get_cfn_attribute(self, attr):
        ptr = (getatts(self.TYPE) or {}).get(attr)
        if ptr is None:
            raise ValidationError(message="Template error: resource %s does not support attribute type %s in Fn::GetAtt" % (self.logical, attr))
        return self.value(ptr)

    @classmethod
    def cloudformation_type(cls):
        return cls.TYPE

    @staticmethod
    def cloudformation_name_type():
        return ""

    @classmethod
    def has_cfn_attr(cls, attr):
        return (getatts(cls.TYPE) or {}).get(attr) is not None

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kw):
        return cls(kw["StackId"].split("/")[1], kw["LogicalId"], cloudformation_json.get("Properties", {}), account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        old, new = original_resource, cloudformation_json.get("Properties", {})
        replace = any(recreation(cls.TYPE, old.props, new, p) == "Always" for p in set(old.props) | set(new))
        res = cls(old.stack_name, old.logical, new, account_id, region_name, old.generation + replace, 1 if replace else old.version + 1)
        if replace and res.physical_resource_id == old.physical_resource_id:
            raise ValidationError(message="CloudFormation cannot update a stack when a custom-named resource requires "
                                  "replacing. Rename %s and update the stack again." % old.physical_resource_id)
        return res

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        pass

    def delete(self, account_id, region_name):
        pass

    def is_created(self):
        return True


_classes, _class_from_type = {}, P.resource_class_from_type


def class_from_type(t):
    if t.startswith("Custom::") or t in P.NULL_MODELS or not schema(t):
        return _class_from_type(t)
    if t in P.get_model_map() and ("*" in MOTO or t in MOTO):
        return _class_from_type(t)
    if t not in _classes:
        _classes[t] = type("Generic_" + t.replace("::", "_"), (Generic,), {"TYPE": t, "__module__": Generic.__module__})
    return _classes[t]


def refs(node, path=(), out=None):  # (dict-key path, target, attr or None) of each Ref, GetAtt and ${} in Sub
    out = [] if out is None else out
    if isinstance(node, dict):
        if isinstance(node.get("Ref"), str):
            out.append((path, node["Ref"], None))
        if "Fn::GetAtt" in node:
            g = node["Fn::GetAtt"]
            g = g.split(".", 1) if isinstance(g, str) else g
            out.append((path, g[0], g[1] if len(g) > 1 else ""))
        if "Fn::Sub" in node:
            s, local = node["Fn::Sub"] if isinstance(node["Fn::Sub"], list) else (node["Fn::Sub"], {})
            for m in re.findall(r"\$\{([^!}][^}]*)\}", s if isinstance(s, str) else ""):
                a, _, b = m.partition(".")
                if a not in local:
                    out.append((path, a, b or None))
        for k, v in node.items():
            refs(v, path if k.startswith("Fn::") else path + (k,), out)
    elif isinstance(node, list):
        for v in node:
            refs(v, path, out)
    return out


def validate(tpl):  # what CreateChangeSet refuses outright
    res, params, unresolved = tpl.get("Resources") or {}, tpl.get("Parameters") or {}, \
        "Template format error: Unresolved resource dependencies [%s] in the Resources block of the template"
    for name, r in res.items():
        t = r.get("Type", "")
        if not (t.startswith("Custom::") or t in P.NULL_MODELS or schema(t)):
            return "Template format error: Unrecognized resource types: [%s]" % t
        for d in [r["DependsOn"]] if isinstance(r.get("DependsOn"), str) else r.get("DependsOn", []):
            if d not in res:
                return unresolved % d
    for _, target, attr in refs({"R": res, "O": tpl.get("Outputs") or {}}):
        if attr is None and target not in res and target not in params and not target.startswith("AWS::"):
            return unresolved % target
        if attr is not None and target not in res:
            return "Template error: instance of Fn::GetAtt references undefined resource %s" % target
        if attr is not None and (getatts(res[target]["Type"]) or {".*": 1}).get(attr) is None:
            return "Template error: resource %s does not support attribute type %s in Fn::GetAtt" % (target, attr)


def detail(prop, rr, evaluation, source, cause=None):
    d = {"Target": {"Attribute": "Tags" if prop == "Tags" else "Properties", "Name": prop, "RequiresRecreation": rr},
         "Evaluation": evaluation, "ChangeSource": source}
    return dict(d, CausingEntity=cause) if cause else d


def replacement(ds):  # the documented rule: Always+Static -> True, Always+Dynamic -> Conditional
    if any(d["Target"]["RequiresRecreation"] == "Always" and d["Evaluation"] == "Static" for d in ds):
        return "True"
    return "Conditional" if any(d["Target"]["RequiresRecreation"] == "Always" for d in ds) else "False"


def change(action, name, rj, res=None, ds=(), policy=None):
    c = M.Change(action, name, rj["Type"])
    c.physical_resource_id, c.details, c.policy_action = getattr(res, "physical_resource_id", None), list(ds), policy
    if action == "Modify":
        c.replacement, c.scope = replacement(ds), sorted({d["Target"]["Attribute"] for d in ds})
        if c.replacement != "False":
            c.policy_action = "ReplaceAndRetain" if rj.get("UpdateReplacePolicy") == "Retain" else "ReplaceAndDelete"
    return c


def diff(self):  # ChangeSet.diff, with what CloudFormation says about each change
    old = {} if self.change_set_type == "CREATE" else self.stack.resource_map._resource_json_map
    new, parsed = self.template_dict.get("Resources") or {}, self.stack.resource_map._parsed_resources
    details = {}
    for n in set(old) & set(new):
        if old[n] != new[n]:
            po, pn = old[n].get("Properties", {}), new[n].get("Properties", {})
            details[n] = [detail(p, recreation(new[n]["Type"], po, pn, p), "Static", "DirectModification")
                          for p in sorted(set(po) | set(pn)) if po.get(p) != pn.get(p)]
    grew = True
    while grew:  # a replaced resource's Ref, and a modified one's attributes, reach their dependents
        grew, moving = False, {n for n in details if replacement(details[n]) != "False"}
        for n in set(old) & set(new):
            co = schema(new[n]["Type"], "createOnlyProperties", [])
            for path, target, attr in refs(new[n].get("Properties", {})):
                if target in new and target != n and (target in moving if attr is None else target in details):
                    always = any(tuple(c.split("/")[2:]) == path[:len(c.split("/")) - 2] for c in co)
                    d = detail(path[0], "Always" if always else "Never", "Dynamic",
                               "ResourceReference" if attr is None else "ResourceAttribute", target + ("." + attr if attr else ""))
                    if d not in details.setdefault(n, []):
                        details[n].append(d)
                        grew = True
    return ([change("Add", n, new[n]) for n in new if n not in old]
            + [change("Modify", n, new[n], parsed.get(n), details[n]) for n in sorted(details)]
            + [change("Remove", n, old[n], parsed.get(n), policy="Retain" if old[n].get("DeletionPolicy") == "Retain" else "Delete")
               for n in old if n not in new])


def event(stack, logical, physical, rtype, status, reason=None):
    stack.events.append(M.Event(stack.stack_id, stack.name, logical, physical, rtype, status, reason, None))


def evented(fn, verb):  # an event per resource created or updated; the first failure is remembered
    def wrapper(logical_id, resource_json, resources_map, account_id, region_name):
        stack = STACKS.get(resources_map.stack_id)
        try:
            if FAULTS["fail"] and re.search(FAULTS["fail"], logical_id):
                raise ValidationError(message="Resource handler returned message: \"injected failure of %s\" "
                                      "(HandlerErrorCode: GeneralServiceException)" % logical_id)
            res = fn(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as e:
            if getattr(TLS, "failed", 0) is None:
                TLS.failed = (logical_id, resource_json.get("Type"), getattr(e, "message", None) or "%s: %s" % (type(e).__name__, e))
            raise
        if stack is not None and res is not None:
            event(stack, logical_id, getattr(res, "physical_resource_id", None), resource_json["Type"], verb + "_COMPLETE")
        return res
    return wrapper


def topo(resources):  # logical ids, each after what it refers to or depends on
    order, seen = [], set()

    def visit(n):
        if n in resources and n not in seen:
            seen.add(n)
            after = resources[n].get("DependsOn", [])
            for d in [t for _, t, _ in refs(resources[n].get("Properties", {}))] + ([after] if isinstance(after, str) else after):
                visit(d)
            order.append(n)
    for n in resources:
        visit(n)
    return order


_diff, _update = P.ResourceMap.build_resource_diff, P.ResourceMap.update


def build_resource_diff(self, other_template, parameters=None):  # modifications in dependency order
    actions, order = _diff(self, other_template, parameters), topo(other_template["Resources"])
    actions["Modify"].sort(key=order.index)
    return actions


def update(self, template, parameters=None):  # then, in dependency order, each resource whose resolved properties changed
    _update(self, template, parameters)
    for n in topo(self._resource_json_map):
        res, rj = self._parsed_resources.get(n), self._resource_json_map[n]
        if isinstance(res, Generic) and P.clean_json(rj.get("Properties", {}), self) != res.props:
            self._parsed_resources[n] = P.parse_and_update_resource(n, rj, self, self._account_id, self._region_name)


def imports_of(stack, n=None):
    n = getattr(stack, "template_dict", None) or {} if n is None else n
    if isinstance(n, list):
        return set().union(*[imports_of(stack, v) for v in n])
    if not isinstance(n, dict):
        return set()
    out = set().union(*[imports_of(stack, v) for v in n.values()])
    try:
        return out | ({P.clean_json(n["Fn::ImportValue"], stack.resource_map)} if "Fn::ImportValue" in n else set())
    except Exception:
        return out


def in_use(backend, stack, names, verb):
    for other in backend.stacks.values():
        used = imports_of(other) & set(names) if other is not stack else set()
        if used:
            return "Export %s cannot be %s as it is in use by %s" % (sorted(used)[0], verb, other.name)


_ccs, _exec, _del, _dcs = (M.CloudFormationBackend.create_change_set, M.CloudFormationBackend.execute_change_set,
                           M.CloudFormationBackend.delete_stack, M.CloudFormationBackend.delete_change_set)


def create_change_set(self, stack_name, change_set_name, template, parameters, description, change_set_type, **kw):
    problem = validate(M.Stack.parse_template(template))
    if problem:
        raise ValidationError(message=problem)
    same = [s for s in self.stacks.values() if s.name == stack_name]
    if change_set_type == "CREATE" and same and same[0].status != "REVIEW_IN_PROGRESS":
        raise ValidationError(message="Stack [%s] already exists and cannot be created again with the changeSet [%s]."
                              % (stack_name, change_set_name))
    reuse = same if change_set_type == "CREATE" else []  # a CREATE change set on a stack in review reuses it
    for s in reuse:
        del self.stacks[s.stack_id]
    cs_id, stack_id = _ccs(self, stack_name, change_set_name, template, parameters, description, change_set_type, **kw)
    cs = self.change_sets[cs_id]
    for s in reuse:
        del self.stacks[stack_id]
        self.stacks[s.stack_id], cs.stack, cs.stack_id = s, s, s.stack_id
    return cs_id, cs.stack_id


def describe_change_set(self, change_set_name):  # a change set's name is unique within its stack only
    stack = getattr(TLS, "stack", None)
    cs = next((c for k, c in reversed(self.change_sets.items()) if change_set_name == k or (
        change_set_name == c.change_set_name and stack in (None, c.stack_name, c.stack_id))), None)
    if cs is None:
        raise ChangeSetNotFound("ChangeSet [%s] does not exist" % change_set_name)
    return cs


def execute_change_set(self, change_set_name, stack_name=None):
    cs = self.describe_change_set(change_set_name)
    if cs.execution_status != "AVAILABLE":
        raise ValidationError(message="ChangeSet [%s] cannot be executed in its current execution status of [%s]"
                              % (cs.change_set_id, cs.execution_status))
    stack = STACKS[cs.stack_id] = self.stacks[cs.stack_id]
    rm, create, TLS.failed = stack.resource_map, cs.change_set_type == "CREATE", None
    rm.cross_stack_resources = stack.cross_stack_resources = self.exports
    saved = (dict(rm._parsed_resources), rm._resource_json_map, rm._template, stack.template)
    try:
        _exec(self, change_set_name, stack_name)
        stack._parse_template()
        stack.output_map = stack._create_output_map()
        mine = {n: e for n, e in self.exports.items() if e.exporting_stack_id == stack.stack_id}
        now = {e.name: e for e in stack.exports}
        problem = in_use(self, stack, [n for n in mine if n not in now or now[n].value != mine[n].value], "updated")
        taken = [n for n in now if n in self.exports and n not in mine]
        if problem or taken:
            raise ValidationError(message=problem or "Export with name %s is already exported by another stack" % taken[0])
        for n in mine:
            del self.exports[n]
        self.exports.update(now)
        stack.status_reason = None
        for k in [k for k, c in self.change_sets.items() if c.stack_id == stack.stack_id and c is not cs]:
            del self.change_sets[k]  # executing one change set deletes the stack's others
    except Exception as e:
        if stack.events and stack.events[-1].resource_status in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            stack.events.pop()  # moto's own "stack complete" event, when the failure came after it
        logical, rtype, reason = TLS.failed or (stack.name, "AWS::CloudFormation::Stack", getattr(e, "message", None) or str(e))
        event(stack, logical, None, rtype, ("CREATE" if create else "UPDATE") + "_FAILED", reason)
        cs.execution_status, stack.status_reason = "EXECUTE_FAILED", reason
        if getattr(TLS, "no_rollback", False):
            stack.status = "CREATE_FAILED" if create else "UPDATE_FAILED"
        else:
            try:
                rm.delete() if create else None
            except Exception:
                pass
            rm._parsed_resources, rm._resource_json_map, rm._template, stack.template = saved
            stack.template_dict = stack.parse_template(stack.template) if stack.template else {}
            stack.output_map = stack._create_output_map()
            stack.status = "ROLLBACK_COMPLETE" if create else "UPDATE_ROLLBACK_COMPLETE"
        event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", stack.status)
    slow(stack, "CREATE_IN_PROGRESS" if create else "UPDATE_IN_PROGRESS")


_describe = M.CloudFormationBackend.describe_stacks


def describe_stacks(self, name_or_stack_id=None):
    stacks = list(_describe(self, name_or_stack_id))
    for s in stacks:
        left = SLOW.get(s.stack_id)
        if left is not None:
            left[0] -= 1
            if left[0] < 0:
                s.status = left[1]
                del SLOW[s.stack_id]
    return stacks


def delete_stack(self, name_or_stack_id):
    stack = next((s for s in self.stacks.values() if name_or_stack_id in (s.name, s.stack_id)), None)
    if stack is None:
        return
    STACKS[stack.stack_id] = stack
    try:
        problem = in_use(self, stack, [e.name for e in stack.exports], "deleted")
        if problem:
            raise ValidationError(message=problem)
        _del(self, stack.stack_id)
        for k in [k for k, c in self.change_sets.items() if c.stack_id == stack.stack_id]:
            del self.change_sets[k]
    except Exception as e:
        self.stacks[stack.stack_id] = stack
        stack.status, stack.status_reason = "DELETE_FAILED", getattr(e, "message", None) or str(e)
        event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", "DELETE_FAILED", stack.status_reason)


def delete_change_set(self, change_set_name):
    _dcs(self, self.describe_change_set(change_set_name).change_set_id)


def with_stack(action):  # the request's StackName and DisableRollback, for the backend calls above
    def wrapper(self):
        TLS.stack, TLS.no_rollback = self._get_param("StackName"), self._get_bool_param("DisableRollback", False)
        return action(self)
    return wrapper


P.resource_class_from_type, M.ChangeSet.diff, P.ResourceMap.update = class_from_type, diff, update
P.ResourceMap.build_resource_diff = build_resource_diff
P.parse_and_create_resource = evented(P.parse_and_create_resource, "CREATE")
P.parse_and_update_resource = evented(P.parse_and_update_resource, "UPDATE")
B = M.CloudFormationBackend
B.create_change_set, B.describe_change_set, B.execute_change_set = create_change_set, describe_change_set, execute_change_set
B.delete_stack, B.delete_change_set, B.describe_stacks = delete_stack, delete_change_set, describe_stacks
for name in ("describe_change_set", "execute_change_set", "delete_change_set"):
    setattr(R.CloudFormationResponse, name, with_stack(getattr(R.CloudFormationResponse, name)))


def throttled(name, action):  # the first N calls of each action answer Throttling
    def wrapper(self):
        n = FAULTS["calls"][name] = FAULTS["calls"].get(name, 0) + 1
        if n <= FAULTS["throttle"]:
            raise Throttling("Rate exceeded")
        return action(self)
    return wrapper


def cidr(block, count, bits):  # Fn::Cidr: `count` blocks of `bits` host bits carved from `block`
    import ipaddress
    try:
        net = ipaddress.ip_network(str(block), strict=False)
    except ValueError:  # a generic model's made-up block (an IPv6 pool nothing provisioned)
        net = ipaddress.ip_network("2001:db8::/56")
    prefix = net.max_prefixlen - int(bits)
    if prefix < net.prefixlen:
        raise ValidationError(message="Template error: Fn::Cidr cannot carve /%d blocks from %s" % (prefix, net))
    subnets = net.subnets(new_prefix=prefix)
    return [str(next(subnets)) for _ in range(int(count))]


_clean_json = P.clean_json


def clean_json(resource_json, resources_map):  # moto resolves every intrinsic but Fn::Cidr
    if isinstance(resource_json, dict) and "Fn::Cidr" in resource_json:
        block, count, bits = _clean_json(resource_json["Fn::Cidr"], resources_map)
        return cidr(block if not isinstance(block, list) else block[0], count, bits)
    return _clean_json(resource_json, resources_map)


P.clean_json = clean_json

for name in [n for n in vars(R.CloudFormationResponse) if not n.startswith("_") and callable(getattr(R.CloudFormationResponse, n))]:
    setattr(R.CloudFormationResponse, name, throttled(name, getattr(R.CloudFormationResponse, name)))

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="A local CloudFormation double (moto + generic schema-driven models)")
    ap.add_argument("-H", "--host", default="127.0.0.1")
    ap.add_argument("-p", "--port", type=int, default=5000)
    ap.add_argument("--moto-models", default="", help="'all', or comma-separated types: moto's own model for these")
    ap.add_argument("--seed", type=int, help="seed moto's random ids (stack and change set ids)")
    ap.add_argument("--fail", help="creating or updating a resource whose logical id matches this regex fails")
    ap.add_argument("--throttle", type=int, default=0, help="the first N calls of each action answer Throttling")
    ap.add_argument("--slow", type=int, default=0, help="a stack stays *_IN_PROGRESS for N describes after an execution")
    a = ap.parse_args()
    FAULTS["fail"], FAULTS["throttle"], FAULTS["slow"] = a.fail, a.throttle, a.slow
    MOTO.update("*" if a.moto_models == "all" else filter(None, a.moto_models.split(",")))
    if a.seed is not None:
        from moto.moto_api._internal import mock_random
        mock_random.seed(a.seed)
    from moto.server import main
    main(["-H", a.host, "-p", str(a.port)])
