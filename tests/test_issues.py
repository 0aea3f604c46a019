from nearmiss_lab.issues import Issue, Report, Severity, json_pointer


def test_json_pointer_escapes_tilde_and_slash_per_rfc6901():
    assert json_pointer(["a/b", "m~n", 0]) == "/a~1b/m~0n/0"


def test_report_is_valid_with_warnings_only_and_invalid_with_an_error():
    report = Report([Issue("rule-x", Severity.WARNING)])
    assert report.valid
    report.extend([Issue("schema-required", Severity.ERROR, "/narrative")])
    assert not report.valid
    assert report.flatten(["code", "pointer"]) == [["rule-x", ""], ["schema-required", "/narrative"]]


def test_issue_located_fills_only_given_fields():
    issue = Issue("schema-type", Severity.ERROR, "/subjects").located(file="a.jsonl", line=3, record=None)
    assert (issue.file, issue.line, issue.record) == ("a.jsonl", 3, None)
    assert issue.to_dict()["severity"] == "error"
