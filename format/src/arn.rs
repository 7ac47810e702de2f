//! ARNs cut into their six fields: the one splitter, used by the runtime (the caller's and the
//! resource's ARN, `Arn...` conditions) and by the compiler's IR interpreter.

/// `x` cut at its first five colons: six fields, the last one everything after the fifth
/// colon; `None` with fewer than five colons.
///
/// ```
/// assert_eq!(
///     iamc_format::arn::fields("arn:aws:s3:::b/k:v"),
///     Some(["arn", "aws", "s3", "", "", "b/k:v"])
/// );
/// ```
pub fn fields(x: &str) -> Option<[&str; 6]> {
    let (a, r) = x.split_once(':')?;
    let (b, r) = r.split_once(':')?;
    let (c, r) = r.split_once(':')?;
    let (d, r) = r.split_once(':')?;
    let (e, f) = r.split_once(':')?;
    Some([a, b, c, d, e, f])
}

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`: the [`fields`] of a text whose first field
/// is `arn`.
pub fn parse(x: &str) -> Option<[&str; 6]> {
    fields(x).filter(|f| f[0] == "arn")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_fields_at_the_first_five_colons() {
        assert_eq!(
            fields("arn:aws:s3:::b/k:v"),
            Some(["arn", "aws", "s3", "", "", "b/k:v"])
        );
        assert_eq!(fields("a:b:c:d"), None);
        assert_eq!(parse("arn:aws:iam::1:root").map(|f| f[4]), Some("1"));
        assert_eq!(parse("urn:aws:iam::1:root"), None);
    }
}
