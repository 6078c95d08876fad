//! `mini_rt::io::{stdin, stdout, stderr}` in a real process: this test
//! binary starts itself as a child with piped stdio (the environment
//! variable below picks the child's role), and the child copies its stdin,
//! upper-cased, to stdout through mini_rt's stdio, then reports the byte
//! count on stderr. Both ends are checked, on every backend.
//!
//! No libtest harness (`harness = false` in Cargo.toml): the child must own
//! its stdout, which libtest would write its report to.

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::process::{Command, Stdio};
use support::{bounded, on_each_backend};

/// Set in the child: the role it plays.
const ROLE: &str = "MINI_RT_STDIO_TEST_ROLE";

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("upper") => child_upper(),
        Ok(role) => panic!("unknown role {role:?}"),
        Err(_) => run_tests(),
    }
}

/// The child: stdin, upper-cased, to stdout in 1000-byte writes; then
/// "N bytes" to stderr.
fn child_upper() {
    mini_rt::runtime::Runtime::new().unwrap().block_on(async {
        let mut input = Vec::new();
        mini_rt::io::stdin().read_to_end(&mut input).await.unwrap();
        let mut out = mini_rt::io::stdout();
        for chunk in input.chunks(1000) {
            out.write_all(&chunk.to_ascii_uppercase()).await.unwrap();
        }
        out.flush().await.unwrap();
        let mut err = mini_rt::io::stderr();
        let report = format!("{} bytes\n", input.len());
        err.write_all(report.as_bytes()).await.unwrap();
        err.flush().await.unwrap();
    });
}

const TESTS: &[(&str, fn())] = &[
    (
        "stdin_to_stdout_through_a_child",
        stdin_to_stdout_through_a_child,
    ),
    ("empty_stdin_reads_eof", empty_stdin_reads_eof),
];

fn run_tests() {
    if std::env::args().any(|a| a == "--list") {
        for (name, _) in TESTS {
            println!("{name}: test");
        }
        return;
    }
    println!("\nrunning {} tests", TESTS.len());
    for (name, test) in TESTS {
        test();
        println!("test {name} ... ok");
    }
    println!("\ntest result: ok. {} passed", TESTS.len());
}

fn upper_child(stdin: Stdio) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.env(ROLE, "upper")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// 300 KiB (several pipe buffers) written to the child's stdin while its
/// stdout is read: the child's mini_rt stdin and stdout move it all.
fn stdin_to_stdout_through_a_child() {
    on_each_backend(|| async {
        let input: Vec<u8> = (0..300 * 1024u32)
            .map(|i| b"abcdefghij\n"[(i % 11) as usize])
            .collect();
        let mut child = upper_child(Stdio::piped()).spawn()?;
        let mut stdin = child.stdin.take().unwrap();
        let write = async {
            stdin.write_all(&input).await?;
            drop(stdin);
            std::io::Result::Ok(())
        };
        let output = child.wait_with_output();
        let ((), output) = bounded(15, async { mini_rt::try_join!(write, output) }).await?;
        assert!(output.status.success(), "child failed: {output:?}");
        assert!(
            output.stdout == input.to_ascii_uppercase(),
            "stdout differs"
        );
        assert_eq!(output.stderr, format!("{} bytes\n", input.len()).as_bytes());
        Ok(())
    });
}

fn empty_stdin_reads_eof() {
    on_each_backend(|| async {
        let output = bounded(15, upper_child(Stdio::null()).output()).await?;
        assert!(output.status.success(), "child failed: {output:?}");
        assert!(output.stdout.is_empty());
        assert_eq!(output.stderr, b"0 bytes\n");
        Ok(())
    });
}
