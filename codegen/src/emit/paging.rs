//! What the settings add to a request builder: streams of every item of a paginated operation, and the
//! waiter of an operation that starts a job.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, type_path};
use crate::model::{FieldRef, Operation, PageSource, Pagination, Waiter};

/// `into_stream`, `into_pages` and the private `next_page` of a paginated operation.
pub fn pagination(op: &Operation, pagination: &Pagination) -> TokenStream {
    let (items, item_type) = match pagination {
        Pagination::Cursor { items, .. } | Pagination::PageNumber { items, .. } => (items, item_type(items)),
    };
    let id = &op.operation_id;
    let page = page_expr(op, page_source(pagination), quote!(self));
    let items_expr = value(quote!(page), items);
    let next_page = match pagination {
        Pagination::Cursor { cursor_param, cursor_field, .. } => {
            let param = ident(cursor_param);
            let cursor = option(quote!(page), cursor_field);
            quote! {
                #page
                let next = crate::runtime::paginate::next_cursor(#cursor);
                ::std::result::Result::Ok(crate::runtime::paginate::Fetched {
                    items: #items_expr,
                    next: next.map(|cursor| (crate::runtime::PageKey::Cursor(cursor.clone()), self.#param(cursor))),
                })
            }
        }
        Pagination::PageNumber { page_number, page_count, .. } => {
            let number = ident(&page_number.name);
            let count = option(quote!(page), page_count);
            let page_of_request = page_expr(op, page_source(pagination), quote!(request));
            let (current, set, set_current) = if page_number.optional {
                (
                    quote!(self.body.#number.unwrap_or(1)),
                    quote!(::std::option::Option::Some(number)),
                    quote!(::std::option::Option::Some(current)),
                )
            } else {
                (quote!(self.body.#number), quote!(number), quote!(current))
            };
            quote! {
                let current = #current;
                // The page number is always sent, so the server never falls back to a default of its own.
                let mut request = self;
                request.body.#number = #set_current;
                #page_of_request
                let items: ::std::vec::Vec<#item_type> = #items_expr;
                let next = crate::runtime::paginate::next_page_number(current, #count, items.len());
                ::std::result::Result::Ok(crate::runtime::paginate::Fetched {
                    items,
                    next: next.map(|number| {
                        request.body.#number = #set;
                        (crate::runtime::PageKey::Number(number), request)
                    }),
                })
            }
        }
    };
    let stream_docs = format!(
        " Every item of every page, fetching the next page only when this one is used up, so memory holds one page. Stops after the last page; a failed page ends the stream with its error, and so does a page that names one already fetched.{}",
        redirect_note(pagination)
    );
    let pages_docs = match pagination {
        Pagination::Cursor { cursor_param, .. } => format!(
            " The items page by page, for callers that work in batches. Each page says where the next one starts: a `PageKey::Cursor` that `.{}(cursor)` takes, to resume there later.",
            cursor_param
        ),
        Pagination::PageNumber { page_number, .. } => format!(
            " The items page by page, for callers that work in batches. Each page says where the next one starts: a `PageKey::Number` for the body's `{}`, to resume there later.",
            page_number.name
        ),
    };
    quote! {
        #[doc = #stream_docs]
        #[inline]
        pub fn into_stream(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<#item_type, crate::Error>> + ::std::marker::Send + 'a {
            crate::runtime::paginate::items(#id, self, Self::next_page)
        }

        #[doc = #pages_docs]
        #[inline]
        pub fn into_pages(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<crate::runtime::Page<#item_type>, crate::Error>> + ::std::marker::Send + 'a {
            crate::runtime::paginate::pages(#id, self, Self::next_page)
        }

        #[inline]
        async fn next_page(self) -> ::std::result::Result<crate::runtime::paginate::Fetched<#item_type, Self>, crate::Error> {
            #next_page
        }
    }
}

fn page_source(pagination: &Pagination) -> &PageSource {
    match pagination {
        Pagination::Cursor { page, .. } | Pagination::PageNumber { page, .. } => page,
    }
}

fn redirect_note(pagination: &Pagination) -> &'static str {
    match page_source(pagination) {
        PageSource::Output => "",
        PageSource::Variant(..) => {
            " An answer that is not a page (a download URL, say) ends it with `Error::UnexpectedResponse`."
        }
    }
}

/// `let page = ...;`: the page from `<request>.clone().send()`.
fn page_expr(op: &Operation, source: &PageSource, request: TokenStream) -> TokenStream {
    let id = &op.operation_id;
    match source {
        PageSource::Output => quote!(let page = #request.clone().send().await?;),
        PageSource::Variant(output, variant) => {
            let output = ident(output);
            let variant = ident(variant);
            let message = "the answer is not a page of results; call the operation itself to handle it";
            quote! {
                let page = match #request.clone().send().await? {
                    #output::#variant(page) => page,
                    _ => return ::std::result::Result::Err(crate::runtime::Error::UnexpectedResponse {
                        operation: #id,
                        message: ::std::string::String::from(#message),
                    }),
                };
            }
        }
    }
}

fn item_type(items: &FieldRef) -> TokenStream {
    match &items.ty {
        crate::model::Type::Vec(item) => type_path(item),
        other => type_path(other),
    }
}

/// The field's value, or its default when it is absent.
fn value(owner: TokenStream, field: &FieldRef) -> TokenStream {
    let name = ident(&field.name);
    if field.optional { quote!(#owner.#name.unwrap_or_default()) } else { quote!(#owner.#name) }
}

/// The field as an `Option`.
fn option(owner: TokenStream, field: &FieldRef) -> TokenStream {
    let name = ident(&field.name);
    if field.optional { quote!(#owner.#name) } else { quote!(::std::option::Option::Some(#owner.#name)) }
}

/// `wait_for_results`: send, poll the status until done, and give the results request.
pub fn waiter(op: &Operation, waiter: &Waiter) -> TokenStream {
    let id_op = &op.operation_id;
    let status_op = &waiter.status_operation;
    let status_method = ident(&waiter.status_method);
    let results_method = ident(&waiter.results_method);
    let results_builder = ident(&waiter.results_builder);
    let state_enum = ident(&waiter.state_enum);
    let id = option(quote!(submitted), &waiter.id);
    let state_name = ident(&waiter.state.name);
    let state = if waiter.state.optional {
        quote!(status.#state_name.as_ref())
    } else {
        quote!(::std::option::Option::Some(&status.#state_name))
    };
    let status_type = type_path(&waiter.status_type);
    let succeeded = waiter.succeeded.iter().map(|v| ident(v));
    let failed = waiter.failed.iter().map(|v| ident(v));
    let docs = format!(
        " Sends the request, polls `{status_op}` with backoff until the job is done (an error when it fails or when `options`' deadline passes), and gives the `{}` request for its results: set its parameters, then `.await` it or stream it.",
        waiter.results_operation
    );
    let no_id = format!("the answer has no `{}` to poll", waiter.id.name);
    let arms = quote! {
        #( ::std::option::Option::Some(crate::models::#state_enum::#succeeded) => crate::runtime::wait::Progress::Done, )*
        #( ::std::option::Option::Some(state @ crate::models::#state_enum::#failed) => crate::runtime::wait::Progress::Failed(state.to_string()), )*
        ::std::option::Option::Some(state) => crate::runtime::wait::Progress::Pending(state.to_string()),
        ::std::option::Option::None => crate::runtime::wait::Progress::Pending(::std::string::String::from("unknown")),
    };
    quote! {
        #[doc = #docs]
        #[inline]
        pub async fn wait_for_results(self, options: crate::runtime::WaitOptions) -> ::std::result::Result<crate::operations::#results_builder<'a>, crate::Error> {
            let client = self.client;
            let submitted = self.send().await?;
            let id = #id.filter(|id| !id.is_empty()).ok_or_else(|| crate::runtime::Error::UnexpectedResponse {
                operation: #id_op,
                message: ::std::string::String::from(#no_id),
            })?;
            let progress = |status: &#status_type| match #state { #arms };
            crate::runtime::wait::until_done(#status_op, &options, || client.#status_method(id.as_str()).send(), progress).await?;
            ::std::result::Result::Ok(client.#results_method(id))
        }
    }
}
