//! A function item parsed just enough to rewrite it: attributes, visibility
//! and signature are parsed, the body is kept as raw statements.
//!
//! Not parsing the body (as `syn::ItemFn` would) keeps the macro fast and lets
//! a body with syntax errors still expand, so the compiler reports those
//! errors at their own spans instead of the attribute failing as a whole.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{braced, token, AttrStyle, Attribute, Signature, Token, Visibility};

/// An `fn` item with an unparsed body.
pub(crate) struct ItemFn {
    pub(crate) outer_attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    brace: token::Brace,
    inner_attrs: Vec<Attribute>,
    /// The body's statements, each with its terminating `;` if it had one.
    stmts: Vec<TokenStream>,
}

impl ItemFn {
    /// Every attribute on the function, outer (`#[..]`) and inner (`#![..]`).
    pub(crate) fn attrs(&self) -> impl Iterator<Item = &Attribute> {
        self.outer_attrs.iter().chain(&self.inner_attrs)
    }

    /// The body with its original braces, as `{ stmts }`.
    pub(crate) fn body(&self) -> TokenStream {
        let mut tokens = TokenStream::new();
        self.brace.surround(&mut tokens, |tokens| {
            tokens.extend(self.stmts.iter().cloned());
        });
        tokens
    }

    /// The spans of the first and last token of the body's last statement, or
    /// of the closing brace for an empty body: generated code placed there
    /// makes "mismatched types" errors point at the user's tail expression.
    pub(crate) fn last_stmt_spans(&self) -> (Span, Span) {
        let Some(last) = self.stmts.last() else {
            let close = self.brace.span.close();
            return (close, close);
        };
        let mut tokens = last.clone().into_iter();
        let start = tokens.next().map_or_else(Span::call_site, |t| t.span());
        let end = tokens.last().map_or(start, |t| t.span());
        (start, end)
    }

    /// Writes the function back with `extra_attrs` after its own attributes
    /// and `body` as its block. Inner attributes become outer ones, since the
    /// new block would not accept them (the same thing `syn` does).
    pub(crate) fn to_tokens_with(
        &self,
        extra_attrs: TokenStream,
        body: TokenStream,
    ) -> TokenStream {
        let mut tokens = TokenStream::new();
        for attr in &self.outer_attrs {
            attr.to_tokens(&mut tokens);
        }
        for attr in &self.inner_attrs {
            let mut attr = attr.clone();
            attr.style = AttrStyle::Outer;
            attr.to_tokens(&mut tokens);
        }
        tokens.extend(extra_attrs);
        self.vis.to_tokens(&mut tokens);
        self.sig.to_tokens(&mut tokens);
        self.brace
            .surround(&mut tokens, |tokens| tokens.extend(body));
        tokens
    }
}

impl Parse for ItemFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let outer_attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let sig: Signature = input.parse()?;
        let content;
        let brace = braced!(content in input);
        let inner_attrs = content.call(Attribute::parse_inner)?;

        let mut stmts = Vec::new();
        let mut current = TokenStream::new();
        while !content.is_empty() {
            if let Some(semi) = content.parse::<Option<Token![;]>>()? {
                semi.to_tokens(&mut current);
                stmts.push(std::mem::take(&mut current));
            } else {
                current.extend([content.parse::<TokenTree>()?]);
            }
        }
        if !current.is_empty() {
            stmts.push(current);
        }
        Ok(ItemFn {
            outer_attrs,
            vis,
            sig,
            brace,
            inner_attrs,
            stmts,
        })
    }
}
