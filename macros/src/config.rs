//! The arguments of `#[main(...)]` and `#[test(...)]`: parsed and validated
//! here, so every mistake is a compile error pointing at the offending token.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitInt, LitStr, Meta, MetaNameValue, Path, Token};

/// The keys the attributes accept.
const KEYS: &str = "`backend`, `flavor`, `worker_threads`, `start_paused`, `crate`";

/// The backend names, as spelled by `MINI_RT_BACKEND`, and their variants.
const BACKENDS: &[(&str, &str)] = &[
    ("epoll", "EpollEdge"),
    ("epoll-lt", "EpollLevel"),
    ("epoll-oneshot", "EpollOneshot"),
    ("poll", "Poll"),
    ("select", "Select"),
    ("io-uring", "IoUring"),
];

/// What the attribute arguments asked for.
#[derive(Default)]
pub(crate) struct Config {
    /// The `Backend` variant name (`EpollEdge`, …) if `backend = "..."` was given.
    backend: Option<syn::Ident>,
    /// The path to the `mini_rt` crate (`crate = "..."`), `::mini_rt` if absent.
    crate_path: Option<Path>,
    /// Whether `flavor` was given (it may be given only once).
    flavor_seen: bool,
    /// `flavor = "multi_thread"` was given.
    multi_thread: bool,
    /// `worker_threads = N`, with N's literal (for error spans).
    worker_threads: Option<LitInt>,
    /// `start_paused = true | false`, if given.
    start_paused: Option<bool>,
    /// Where `start_paused = true` was written (for the multi-thread error).
    start_paused_span: Option<Span>,
}

impl Config {
    /// Parses and validates the attribute's argument tokens.
    pub(crate) fn parse(args: TokenStream) -> syn::Result<Self> {
        let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
        let mut config = Config::default();
        for meta in metas {
            config.apply(meta)?;
        }
        if let (Some(true), true) = (config.start_paused, config.multi_thread) {
            return Err(syn::Error::new(
                config.start_paused_span.unwrap_or_else(Span::call_site),
                "the `start_paused` option requires the `current_thread` runtime flavor \
                 (a paused clock is one loop's)",
            ));
        }
        if let (Some(n), false) = (&config.worker_threads, config.multi_thread) {
            return Err(syn::Error::new_spanned(
                n,
                "the `worker_threads` option requires the `multi_thread` runtime flavor; \
                 add `flavor = \"multi_thread\"`",
            ));
        }
        Ok(config)
    }

    /// The `Builder` constructor (and worker count) the flavor asks for.
    pub(crate) fn builder_call(&self, crate_path: &TokenStream) -> TokenStream {
        if !self.multi_thread {
            return quote!(#crate_path::runtime::Builder::new_current_thread());
        }
        let workers = self
            .worker_threads
            .as_ref()
            .map(|n| quote!(.worker_threads(#n)));
        quote!(#crate_path::runtime::Builder::new_multi_thread() #workers)
    }

    /// The path the expansion uses to name the `mini_rt` crate.
    pub(crate) fn crate_path(&self, span: Span) -> TokenStream {
        match &self.crate_path {
            Some(path) => path.to_token_stream(),
            None => quote::quote_spanned!(span=> ::mini_rt),
        }
    }

    /// The `.backend(...)` builder call, or nothing for the default backend.
    pub(crate) fn backend_call(&self, crate_path: &TokenStream) -> TokenStream {
        match &self.backend {
            Some(variant) => quote!(.backend(#crate_path::runtime::Backend::#variant)),
            None => TokenStream::new(),
        }
    }

    /// The `.start_paused(..)` builder call, or nothing if not asked for.
    pub(crate) fn start_paused_call(&self) -> TokenStream {
        match self.start_paused {
            Some(paused) => quote!(.start_paused(#paused)),
            None => TokenStream::new(),
        }
    }

    fn apply(&mut self, meta: Meta) -> syn::Result<()> {
        let MetaNameValue { path, value, .. } = match meta {
            Meta::NameValue(nv) => nv,
            Meta::Path(path) => {
                let key = key_name(&path)?;
                let msg = if is_known(&key) {
                    format!("`{key}` needs a value, e.g. `{}`", example(&key))
                } else {
                    unknown_key(&key)
                };
                return Err(syn::Error::new_spanned(path, msg));
            }
            Meta::List(list) => {
                let key = key_name(&list.path)?;
                let msg = if is_known(&key) {
                    format!("`{key}` is written `{}`", example(&key))
                } else {
                    unknown_key(&key)
                };
                return Err(syn::Error::new_spanned(list, msg));
            }
        };
        let key = key_name(&path)?;
        match key.as_str() {
            "backend" => self.set_backend(&path, &value),
            "flavor" => self.set_flavor(&path, &value),
            "crate" => self.set_crate(&path, &value),
            "worker_threads" => self.set_worker_threads(&path, &value),
            "start_paused" => self.set_start_paused(&path, &value),
            other => Err(syn::Error::new_spanned(path, unknown_key(other))),
        }
    }

    fn set_backend(&mut self, path: &Path, value: &Expr) -> syn::Result<()> {
        if self.backend.is_some() {
            return Err(syn::Error::new_spanned(
                path,
                "`backend` set multiple times",
            ));
        }
        let lit = string_value(value, "backend")?;
        let name = lit.value();
        let Some((_, variant)) = BACKENDS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<String> = BACKENDS.iter().map(|(n, _)| format!("`{n}`")).collect();
            let msg = format!(
                "unknown backend `{name}`; expected one of: {}",
                names.join(", ")
            );
            return Err(syn::Error::new_spanned(lit, msg));
        };
        self.backend = Some(syn::Ident::new(variant, lit.span()));
        Ok(())
    }

    fn set_flavor(&mut self, path: &Path, value: &Expr) -> syn::Result<()> {
        if self.flavor_seen {
            return Err(syn::Error::new_spanned(path, "`flavor` set multiple times"));
        }
        self.flavor_seen = true;
        let lit = string_value(value, "flavor")?;
        match lit.value().as_str() {
            // mini_rt's current-thread runtime's `spawn` already accepts
            // `!Send` futures, which is what tokio's `local` flavor provides:
            // both map to the same runtime.
            "current_thread" | "local" => Ok(()),
            "multi_thread" => {
                self.multi_thread = true;
                Ok(())
            }
            other => Err(syn::Error::new_spanned(
                &lit,
                format!("unknown flavor `{other}`; expected `current_thread` or `multi_thread`"),
            )),
        }
    }

    fn set_worker_threads(&mut self, path: &Path, value: &Expr) -> syn::Result<()> {
        if self.worker_threads.is_some() {
            return Err(syn::Error::new_spanned(
                path,
                "`worker_threads` set multiple times",
            ));
        }
        let lit = match value {
            Expr::Lit(ExprLit {
                lit: Lit::Int(n), ..
            }) => n.clone(),
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "`worker_threads` expects an integer literal, e.g. `worker_threads = 4`",
                ))
            }
        };
        match lit.base10_parse::<usize>() {
            Ok(0) => Err(syn::Error::new_spanned(
                &lit,
                "`worker_threads` must be at least 1",
            )),
            Ok(_) => {
                self.worker_threads = Some(lit);
                Ok(())
            }
            Err(e) => Err(syn::Error::new_spanned(&lit, e)),
        }
    }

    fn set_start_paused(&mut self, path: &Path, value: &Expr) -> syn::Result<()> {
        if self.start_paused.is_some() {
            return Err(syn::Error::new_spanned(
                path,
                "`start_paused` set multiple times",
            ));
        }
        match value {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(b), ..
            }) => {
                self.start_paused = Some(b.value);
                self.start_paused_span = Some(b.span());
                Ok(())
            }
            other => Err(syn::Error::new(
                other.span(),
                "`start_paused` expects `true` or `false`",
            )),
        }
    }

    fn set_crate(&mut self, path: &Path, value: &Expr) -> syn::Result<()> {
        if self.crate_path.is_some() {
            return Err(syn::Error::new_spanned(path, "`crate` set multiple times"));
        }
        let parsed = match value {
            Expr::Path(p) if p.attrs.is_empty() && p.qself.is_none() => p.path.clone(),
            _ => {
                let lit = string_value(value, "crate")?;
                lit.parse::<Path>().map_err(|_| {
                    syn::Error::new_spanned(&lit, format!("`{}` is not a path", lit.value()))
                })?
            }
        };
        self.crate_path = Some(parsed);
        Ok(())
    }
}

fn is_known(key: &str) -> bool {
    matches!(
        key,
        "backend" | "flavor" | "worker_threads" | "crate" | "start_paused"
    )
}

/// How a known key is written.
fn example(key: &str) -> String {
    match key {
        "start_paused" => "start_paused = true".to_string(),
        "worker_threads" => "worker_threads = 4".to_string(),
        _ => format!("{key} = \"...\""),
    }
}

fn unknown_key(key: &str) -> String {
    format!("unknown attribute `{key}`; expected one of: {KEYS}")
}

/// The single identifier a key consists of (`crate` included).
fn key_name(path: &Path) -> syn::Result<String> {
    match path.get_ident() {
        Some(ident) => Ok(ident.to_string()),
        None => Err(syn::Error::new_spanned(
            path,
            format!("expected one of: {KEYS}"),
        )),
    }
}

/// The string literal a key's value must be.
fn string_value(value: &Expr, key: &str) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.clone()),
        other => Err(syn::Error::new(
            other.span(),
            format!("`{key}` expects a string literal, e.g. `{key} = \"...\"`"),
        )),
    }
}
