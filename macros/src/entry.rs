//! The expansion shared by `#[main]` and `#[test]`: turn an `async fn` into a
//! sync one that builds a runtime (current-thread unless
//! `flavor = "multi_thread"`) and blocks on the body.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Attribute, ReturnType, Type};

use crate::config::Config;
use crate::item::ItemFn;

/// Which attribute is expanding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

/// Expands `#[main]` / `#[test]` applied to `item` with arguments `args`.
///
/// On an error the function is still emitted (with its body type-checked but
/// never run) next to a `compile_error!`, so the one error the user made is
/// the one they see, and IDEs keep working inside the body.
pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut input: ItemFn = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(e) => {
            let mut tokens = item;
            tokens.extend(e.into_compile_error());
            return tokens;
        }
    };
    let config = check_item(kind, &input).and_then(|()| Config::parse(args));
    input.sig.asyncness = None;
    match config {
        Ok(config) => rewrite(kind, &input, Some(&config), TokenStream::new()),
        Err(e) => {
            let params = take_main_params(kind, &mut input);
            let mut tokens = rewrite(kind, &input, None, params);
            tokens.extend(e.into_compile_error());
            tokens
        }
    }
}

/// After an error, turns the parameters of a `main` into `let`s (never run,
/// but not diverging, so the body's uses of them count): the body still
/// resolves them, and rustc doesn't add a second error about `main`'s
/// signature to ours.
fn take_main_params(kind: Kind, input: &mut ItemFn) -> TokenStream {
    if kind != Kind::Main || input.sig.ident != "main" {
        return TokenStream::new();
    }
    let params = std::mem::take(&mut input.sig.inputs);
    params
        .into_iter()
        .filter_map(|param| match param {
            syn::FnArg::Typed(syn::PatType { pat, ty, .. }) => {
                Some(quote!(let #pat: #ty = ::core::option::Option::None.unwrap();))
            }
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// The checks on the function itself, made before its arguments are read.
fn check_item(kind: Kind, input: &ItemFn) -> syn::Result<()> {
    if input.sig.asyncness.is_none() {
        let msg = "the `async` keyword is missing from the function declaration";
        return Err(syn::Error::new_spanned(input.sig.fn_token, msg));
    }
    // As with tokio, `#[main]` may also turn some other `async fn` into a
    // blocking one, and that one may take arguments.
    if !input.sig.inputs.is_empty() && (kind == Kind::Test || input.sig.ident == "main") {
        let msg = match kind {
            Kind::Main => "the main function cannot accept arguments",
            Kind::Test => "the test function cannot accept arguments",
        };
        return Err(syn::Error::new_spanned(&input.sig.inputs, msg));
    }
    if kind == Kind::Test {
        if let Some(attr) = input.attrs().find(|a| is_test_attribute(a)) {
            let msg = "second test attribute is supplied, \
                       consider removing or changing the order of your test attributes";
            return Err(syn::Error::new_spanned(attr, msg));
        }
    }
    Ok(())
}

/// The rewritten function. `config` is `None` after an error: the body is then
/// only type-checked, and nothing refers to the runtime or adds `#[test]`,
/// which would only pile more errors onto the real one.
///
/// `params` are statements put first in the body (see [`take_main_params`]).
fn rewrite(
    kind: Kind,
    input: &ItemFn,
    config: Option<&Config>,
    params: TokenStream,
) -> TokenStream {
    let (last_start, last_end) = input.last_stmt_spans();
    let body = input.body();
    let output = match &input.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    };
    let annotatable = annotatable(&input.sig.output);
    // Mixed-site: the body cannot see (or shadow) this name.
    let body_var = Ident::new("body", Span::mixed_site());

    // The async block's output type is fixed to the function's return type
    // by a never-taken `return` placed before the body: the body's `return`s,
    // `?`s and tail are then checked against the signature, so a mismatch is
    // reported at the user's expression. The body itself stays the block's
    // tail, exactly as written, so it lints and diverges as it would in a
    // plain function.
    let future = if annotatable {
        quote! {
            async move {
                if false {
                    return ::core::option::Option::<#output>::None.unwrap();
                }
                #body
            }
        }
    } else {
        quote!(async move #body)
    };

    // Tests block on a `Pin<&mut dyn Future>`, so every test shares one
    // instantiation of `block_on`, as tokio does; `main` exists once.
    let prepare = match kind {
        Kind::Test if annotatable => quote! {
            let #body_var = ::core::pin::pin!(#body_var);
            let #body_var: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = #output>> =
                #body_var;
        },
        _ => TokenStream::new(),
    };

    let (extra_attrs, run) = match config {
        Some(config) => {
            let crate_path = config.crate_path(last_start);
            let backend = config.backend_call(&crate_path);
            let builder = config.builder_call(&crate_path);
            let start_paused = config.start_paused_call();
            let attrs = match kind {
                Kind::Test => quote!(#[::core::prelude::v1::test]),
                Kind::Main => TokenStream::new(),
            };
            // Spanned at the user's last statement so a type mismatch between
            // the body and the signature is reported there. The explicit
            // `return` is tokio's trick too (tokio-rs/tokio#4636): it keeps
            // the body's tail expression from being taken for the block's.
            let run = quote_spanned! {last_end=>
                #[allow(
                    clippy::expect_used,
                    clippy::diverging_sub_expression,
                    clippy::needless_return
                )]
                {
                    return #builder
                        .enable_all()
                        #backend
                        #start_paused
                        .build()
                        .expect("failed building the mini_rt runtime")
                        .block_on(#body_var);
                }
            };
            (attrs, run)
        }
        None => {
            let run = quote! {
                #[allow(unreachable_code, clippy::diverging_sub_expression)]
                {
                    let _ = &#body_var;
                    ::core::unreachable!()
                }
            };
            (quote!(#[allow(dead_code)]), run)
        }
    };

    let block = quote! {
        #params
        let #body_var = #future;
        #prepare
        #run
    };
    input.to_tokens_with(extra_attrs, block)
}

/// Whether `-> ty` can be written as the type of a `let` and of a
/// `Future::Output`: not `!` (unstable there) nor anything with `impl Trait`.
fn annotatable(output: &ReturnType) -> bool {
    match output {
        ReturnType::Default => true,
        ReturnType::Type(_, ty) => !matches!(**ty, Type::Never(_)) && !contains_impl_trait(ty),
    }
}

fn contains_impl_trait(ty: &Type) -> bool {
    // A token-level scan is enough: `impl` can only appear in a type as
    // `impl Trait` (possibly nested in generics, tuples, references).
    fn scan(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) => i == "impl",
            proc_macro2::TokenTree::Group(g) => scan(g.stream()),
            _ => false,
        })
    }
    scan(quote!(#ty))
}

/// `#[test]`, `#[core::prelude::*::test]` or `#[std::prelude::*::test]`
/// (with or without a leading `::`), as tokio recognises them.
fn is_test_attribute(attr: &Attribute) -> bool {
    let syn::Meta::Path(path) = &attr.meta else {
        return false;
    };
    let segments: Vec<String> = path
        .segments
        .iter()
        .filter(|s| s.arguments.is_none())
        .map(|s| s.ident.to_string())
        .collect();
    if segments.len() != path.segments.len() {
        return false;
    }
    match segments.as_slice() {
        [test] => path.leading_colon.is_none() && test == "test",
        [root, prelude, _, test] => {
            (root == "core" || root == "std") && prelude == "prelude" && test == "test"
        }
        _ => false,
    }
}
