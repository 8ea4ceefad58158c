//! Diagnostics of type checking and the kind rules.

use crate::diagnostics::{codes, Diagnostic};
use crate::source::Span;

pub fn type_mismatch(expected: &str, found: &str, span: Span, help: Option<String>) -> Diagnostic {
    let d = Diagnostic::error(
        codes::TYPE_MISMATCH,
        format!("expected {expected}, found {found}"),
    )
    .label(span, format!("this is {found}"));
    match help {
        Some(h) => d.help(h),
        None => d,
    }
}

pub fn unknown_name(
    name: &str,
    span: Span,
    near: Option<&str>,
    expected: Option<&str>,
) -> Diagnostic {
    let d = Diagnostic::error(codes::UNKNOWN_NAME, format!("unknown name `{name}`")).label(
        span,
        match expected {
            Some(e) => format!("expected {e}; nothing is declared with this name"),
            None => "nothing is declared with this name".to_string(),
        },
    );
    match near {
        Some(n) => d.help(format!("did you mean `{n}`?")),
        None => d.help(format!("declare `{name}`, or check the spelling")),
    }
}

pub fn wrong_kind(
    name: &str,
    actual: &str,
    expected: &str,
    span: Span,
    near: Option<&str>,
) -> Diagnostic {
    let d = Diagnostic::error(
        codes::WRONG_KIND,
        format!("expected a `{expected}`, found {actual} `{name}`"),
    )
    .label(span, format!("this is {actual}, not a `{expected}`"));
    match near {
        Some(n) => d.help(format!("did you mean the {expected} `{n}`?")),
        None => d.help(format!("declare a `{expected}` and refer to it by name")),
    }
}

pub fn unknown_attribute(
    decl: &str,
    kind: &str,
    attr: &str,
    span: Span,
    exports: &[&str],
) -> Diagnostic {
    let near = crate::diagnostics::closest(attr, exports.iter().copied());
    let d = Diagnostic::error(
        codes::UNKNOWN_ATTRIBUTE,
        format!("`{kind}` has no attribute `{attr}`"),
    )
    .label(span, format!("`{decl}` is a `{kind}`"));
    match near {
        Some(n) => d.help(format!("did you mean `{decl}.{n}`?")),
        None => d.help(format!("a `{kind}` exports {}", list_names(exports))),
    }
}

pub fn list_names(names: &[&str]) -> String {
    if names.is_empty() {
        return "nothing".to_string();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn unknown_field(owner: &str, field: &str, span: Span, near: Option<&str>) -> Diagnostic {
    let d = Diagnostic::error(
        codes::UNKNOWN_FIELD,
        format!("{owner} has no field `{field}`"),
    )
    .label(span, "unknown field");
    match near {
        Some(n) => d.help(format!("did you mean `{n}`?")),
        None => d.help(format!(
            "remove `{field}`; the language reference lists the fields"
        )),
    }
}

pub fn field_not_allowed(
    field: &str,
    switch: &str,
    members: &[String],
    actual: &str,
    span: Span,
    switch_span: Option<Span>,
) -> Diagnostic {
    let when: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
    let d = Diagnostic::error(
        codes::FIELD_NOT_ALLOWED,
        format!(
            "`{field}` applies only when `{switch}` is {}",
            when.join(" or ")
        ),
    )
    .label(span, format!("not a setting of `{switch} = {actual}`"));
    let d = match switch_span {
        Some(s) => d.label(s, format!("`{switch}` is `{actual}` here")),
        None => d,
    };
    d.help(format!("remove `{field}`"))
}

pub fn missing_field(
    owner: &str,
    field: &str,
    example: &str,
    span: Span,
    condition: Option<(&str, &str)>,
) -> Diagnostic {
    let (code, msg) = match condition {
        Some((switch, value)) => (
            codes::FIELD_REQUIRED_BY,
            format!("{owner} needs `{field}` when `{switch}` is `{value}`"),
        ),
        None => (
            codes::MISSING_FIELD,
            format!("{owner} is missing the field `{field}`"),
        ),
    };
    Diagnostic::error(code, msg)
        .label(span, format!("`{field}` is required here"))
        .help(format!("add `{field} = {example}`"))
}

pub fn duplicate_field(field: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(codes::DUPLICATE_FIELD, format!("`{field}` is set twice"))
        .label(span, "set again here")
        .label(first, "first set here")
        .help("remove one of them")
}

pub fn unknown_member(enum_name: &str, member: &str, span: Span, members: &[&str]) -> Diagnostic {
    let near = crate::diagnostics::closest(member, members.iter().copied());
    let d = Diagnostic::error(
        codes::UNKNOWN_ENUM_MEMBER,
        format!("`{member}` is not a `{enum_name}`"),
    )
    .label(span, format!("expected one of {}", list_names(members)));
    match near {
        Some(n) => d.help(format!("did you mean `{n}`?")),
        None => d.help(format!("use one of {}", list_names(members))),
    }
}

pub fn literal_secret(span: Span) -> Diagnostic {
    Diagnostic::error(codes::LITERAL_SECRET, "a literal string where a secret is expected")
        .label(span, "this would be written into the template in clear text")
        .help("store it in SSM Parameter Store or Secrets Manager and refer to it: `ssm(\"/path/to/secret\")`")
}

pub fn wrong_unit(expected: &str, found: &str, span: Span, example: &str) -> Diagnostic {
    Diagnostic::error(
        codes::WRONG_UNIT,
        format!("expected a {expected}, found {found}"),
    )
    .label(span, format!("this is {found}"))
    .help(format!(
        "write a {expected} with its unit, like `{example}`"
    ))
}

pub fn invalid_cidr(value: &str, why: &str, span: Span, fix: Option<String>) -> Diagnostic {
    let d = Diagnostic::error(
        codes::INVALID_CIDR,
        format!("`{value}` is not a valid CIDR block: {why}"),
    )
    .label(span, why.to_string());
    match fix {
        Some(f) => d.help(format!("write `\"{f}\"`")),
        None => d.help("write a block like `\"10.0.0.0/16\"`"),
    }
}

pub fn invalid_region(value: &str, span: Span, near: Option<&str>) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_REGION,
        format!("`{value}` is not an AWS region"),
    )
    .label(span, "not a region of any partition")
    .help(match near {
        Some(n) => format!("did you mean `{n}`?"),
        None => "regions look like `us-east-1`, `cn-north-1` or `us-gov-west-1`".to_string(),
    })
}

pub fn out_of_range(what: &str, value: &str, bounds: &str, span: Span, help: String) -> Diagnostic {
    Diagnostic::error(
        codes::OUT_OF_RANGE,
        format!("{what} `{value}` is out of range: {bounds}"),
    )
    .label(span, bounds.to_string())
    .help(help)
}

pub fn invalid_operands(op: &str, found: &str, span: Span, help: &str) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_OPERANDS,
        format!("`{op}` cannot be applied to {found}"),
    )
    .label(span, format!("{found} here"))
    .help(help.to_string())
}

pub fn secret_output(span: Span) -> Diagnostic {
    Diagnostic::error(codes::LITERAL_SECRET, "a secret cannot be an output")
        .label(span, "this would be readable by anyone who can describe the stack")
        .help("output the secret's name instead, and read it from SSM or Secrets Manager where it is needed")
}

pub fn deployed_value(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error(codes::DEPLOYED_VALUE, format!("{what} must be known at compile time"))
        .label(span, "known only after deployment")
        .help("decide with a `param` or a literal; attributes of deployed resources can only be passed along")
}

pub fn unknown_function(name: &str, span: Span) -> Diagnostic {
    let near = crate::diagnostics::closest(name, ["ssm", "secrets_manager"]);
    Diagnostic::error(
        codes::UNKNOWN_FUNCTION,
        format!("unknown function `{name}`"),
    )
    .label(span, "not a function")
    .help(match near {
        Some(n) => format!("did you mean `{n}`?"),
        None => "the functions are `ssm(\"/path\")` and `secrets_manager(\"name\")`".to_string(),
    })
}

pub fn missing_param(name: &str, ty: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::MISSING_PARAM,
        format!("parameter `{name}` has no value"),
    )
    .label(span, "declared without a default")
    .help(format!(
        "pass `--param {name}=<{ty}>`, or give it a default: `param {name}: {ty} = ...`"
    ))
}

pub fn unknown_param(name: &str, near: Option<&str>) -> Diagnostic {
    Diagnostic::error(
        codes::UNKNOWN_PARAM,
        format!("`--param {name}` names no parameter of the program"),
    )
    .help(match near {
        Some(n) => format!("did you mean `--param {n}=...`?"),
        None => format!("declare it: `param {name}: string`, or drop the flag"),
    })
}

pub fn invalid_param_value(name: &str, ty: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_PARAM_VALUE,
        format!("invalid value for parameter `{name}`: expected {ty}"),
    )
    .label(span, format!("not {ty}"))
    .help(format!(
        "pass {}: `--param {name}=...`",
        crate::check::expr::article_word(ty)
    ))
}

pub fn unknown_type(name: &str, span: Span) -> Diagnostic {
    let near =
        crate::diagnostics::closest(name, crate::schema::Type::BUILTIN_NAMES.iter().copied());
    Diagnostic::error(codes::UNKNOWN_TYPE, format!("unknown type `{name}`")).label(span, "not a type").help(match near {
        Some(n) => format!("did you mean `{n}`?"),
        None => "types are string, int, decimal, bool, size, duration, cpu, percent, cidr, region, list<T>, map<T> and the stdlib's enums".to_string(),
    })
}

pub fn invalid_stack_name(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_NAME,
        format!("`{name}` is not a valid stack name"),
    )
    .label(
        span,
        "stack names start with a letter and hold letters, digits and `-`, 128 at most",
    )
    .help("use a name like `retail` or `retail-prod`")
}

pub fn unknown_output(module: &str, output: &str, span: Span, outputs: &[&str]) -> Diagnostic {
    let near = crate::diagnostics::closest(output, outputs.iter().copied());
    let d = Diagnostic::error(
        codes::UNKNOWN_ATTRIBUTE,
        format!("module `{module}` has no output `{output}`"),
    )
    .label(span, "not an output of the module");
    match near {
        Some(n) => d.help(format!("did you mean `{module}.{n}`?")),
        None => d.help(format!(
            "`{module}` outputs {}; add `output {output} = ...` to the module to read it",
            list_names(outputs)
        )),
    }
}

pub fn unknown_limit(name: &str, known: &[&str], span: Span) -> Diagnostic {
    let near = crate::diagnostics::closest(name, known.iter().copied());
    Diagnostic::error(
        codes::INVALID_LIMIT,
        format!("`{name}` is not a CloudFormation quota Cairn checks"),
    )
    .label(span, format!("`{name}` is set here"))
    .help(match near {
        Some(n) => format!("did you mean `{n}`?"),
        None => format!("the quotas are {}", known.join(", ")),
    })
}

pub fn limit_out_of_range(name: &str, value: i64, quota: u64, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_LIMIT,
        format!("`{name}` = {value} is outside 1 to {quota}, CloudFormation's quota"),
    )
    .label(span, "a program may lower a quota, not raise it")
    .help(format!("set `{name}` to at most {quota}, or leave it out"))
}

/// An index that unrolling could not fold: its value is only known when
/// the stack is deployed.
pub fn index_not_known(span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::NOT_KNOWN_WHEN_COMPILING,
        "this index is not known when compiling",
    )
    .label(span, "indexes a value Cairn cannot read here")
    .help("index a `for`'s declarations by key (`teams[\"ads\"]`), or a list or map of literals, `let`s and `param`s")
}
