//! xpdrm never writes to stdout or stderr: a C program takes every failure path of every function, with and
//! without a log callback, against the static and the shared library, and both streams stay empty.
//! (Panics caught at the boundary are checked in `src/ffi/guard.rs`; the C examples' stderr in
//! `tests/c_examples.rs`.)

mod common;

fn build_and_run(name: &str, link: &[String]) {
    let dir = common::scratch_dir(name);
    let exe = dir.join("no_output");
    common::target::build(
        common::target::cc()
            .args(["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-I"])
            .arg(common::root().join("include"))
            .arg(common::root().join("tests/c/no_output.c"))
            .args(link),
        &exe,
        "tests/c/no_output.c",
    );
    let run = common::target::run(&exe).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "{:?}\nstdout: {stdout}\nstderr: {stderr}", run.status);
    assert!(stdout.is_empty() && stderr.is_empty(), "output appeared:\nstdout: {stdout:?}\nstderr: {stderr:?}");
}

#[test]
fn nothing_is_written_to_stdout_or_stderr_static() {
    let mut link = vec![common::static_lib().display().to_string()];
    link.extend(common::NATIVE_LIBS.iter().map(|s| s.to_string()));
    build_and_run("no-output-static", &link);
}

#[test]
fn nothing_is_written_to_stdout_or_stderr_shared() {
    let dir = common::shared_lib_dir("no-output-shared-lib").display().to_string();
    build_and_run("no-output-shared", &[format!("-L{dir}"), format!("-Wl,-rpath,{dir}"), "-lxpdrm".into()]);
}
