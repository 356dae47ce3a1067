//! After a key-wrap call returns, neither the stack memory its frames used nor the vector registers hold
//! bytes of the key or the KEK. (`aes-kw` leaves its working block unwiped, and the AES code leaves key
//! material in SIMD registers; `keywrap` scrubs both.) The probe is a C program that reads the dead stack and
//! the registers; see `tests/c/stack_residue.c`.

mod common;

#[test]
fn no_key_or_kek_bytes_remain_on_the_stack_or_in_registers_after_wrap_and_unwrap() {
    let dir = common::scratch_dir("stack-residue");
    let exe = dir.join("stack_residue");
    common::target::build(
        common::target::cc()
            .args(["-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", "-Wno-uninitialized", "-I"])
            .arg(common::root().join("include"))
            .arg(common::root().join("tests/c/stack_residue.c"))
            .arg(common::static_lib())
            .args(common::NATIVE_LIBS),
        &exe,
        "tests/c/stack_residue.c",
    );
    let run = common::target::run(&exe).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "secrets left on the stack or in registers:\n{stdout}");
    assert!(stdout.contains("no key or KEK bytes on the dead stack or in the vector registers"), "{stdout}");
}
