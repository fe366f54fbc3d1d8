"""Wrong, missing, oversized and hostile arguments to every `flask` command: a usage error, never a traceback."""
import pytest

BAD_ARGUMENTS = [
    pytest.param(["audit", "verify", "--batch", "0"], "--batch", id="audit-batch-zero"),
    pytest.param(["audit", "verify", "--batch", "-5"], "--batch", id="audit-batch-negative"),
    pytest.param(["audit", "verify", "--batch", "abc"], "--batch", id="audit-batch-not-a-number"),
    pytest.param(["audit", "verify", "--batch", "9" * 40], "--batch", id="audit-batch-huge"),
    pytest.param(["audit", "verify", "--batch"], "--batch", id="audit-batch-missing-value"),
    pytest.param(["audit", "verify", "--bogus"], "--bogus", id="audit-unknown-option"),
    pytest.param(["audit", "rewrite"], "rewrite", id="audit-unknown-command"),
    pytest.param(["worker", "--bogus"], "--bogus", id="worker-unknown-option"),
    pytest.param(["worker", "extra"], "extra", id="worker-extra-argument"),
    pytest.param(["seed", "--bogus"], "--bogus", id="seed-unknown-option"),
    pytest.param(["attachments", "copy-to-database", "--bogus"], "--bogus", id="attachments-copy-unknown-option"),
    pytest.param(["attachments", "copy-to-database", "extra"], "extra", id="attachments-copy-extra-argument"),
    pytest.param(["attachments", "move"], "move", id="attachments-unknown-command"),
    pytest.param(["slack", "manifest"], "--url", id="manifest-missing-url"),
    pytest.param(["slack", "manifest", "--url", "example.org"], "--url", id="manifest-no-scheme"),
    pytest.param(["slack", "manifest", "--url", "https://"], "--url", id="manifest-no-host"),
    pytest.param(["slack", "manifest", "--url", "javascript:alert(1)"], "--url", id="manifest-javascript"),
    pytest.param(["slack", "manifest", "--url", "ftp://relay.example.org"], "--url", id="manifest-ftp"),
    pytest.param(["slack", "manifest", "--url", "https://relay.example.org/?x=1"], "--url", id="manifest-query"),
    pytest.param(["slack", "manifest", "--url", "https://relay example.org"], "--url", id="manifest-space"),
    pytest.param(["slack", "manifest", "--url", "https://" + "a" * 300 + ".org"], "--url", id="manifest-oversized"),
    pytest.param(["slack", "manifest", "--url", "https://relay.example.org", "--name", ""], "--name",
                 id="manifest-empty-name"),
    pytest.param(["slack", "manifest", "--url", "https://relay.example.org", "--name", "x" * 36], "--name",
                 id="manifest-long-name"),
]


@pytest.mark.parametrize("args, named", BAD_ARGUMENTS)
def test_bad_arguments_are_a_usage_error(app, args, named):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
