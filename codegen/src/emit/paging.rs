//! What the settings add to a request builder: streams of every item of a paginated operation, and the
//! waiter of an operation that starts a job.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, type_path};
use crate::model::{FieldRef, Operation, Output, PageSource, Pagination, Success, Waiter};

/// `into_stream`, `into_pages`, `into_pages_as` and the private `next_page` of a paginated operation.
pub fn pagination(op: &Operation, pagination: &Pagination) -> TokenStream {
    let item_type = match pagination {
        Pagination::Cursor { items, .. } | Pagination::PageNumber { items, .. } => item_type(items),
    };
    let id = &op.operation_id;
    let next_page = match pagination {
        Pagination::Cursor { cursor_param, .. } => {
            let param = ident(cursor_param);
            let page = fetch_page(op, pagination, quote!(self));
            quote! {
                let page = #page;
                let next = crate::runtime::paginate::next_cursor(page.next);
                ::std::result::Result::Ok(crate::runtime::paginate::Fetched {
                    items: page.items,
                    next: next.map(|cursor| (crate::runtime::paginate::PageKey::Cursor(cursor.clone()), self.#param(cursor))),
                })
            }
        }
        Pagination::PageNumber { page_number, .. } => {
            let number = ident(&page_number.name);
            let page = fetch_page(op, pagination, quote!(request));
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
                let page = #page;
                let next = crate::runtime::paginate::next_page_number(current, page.next, page.items.len());
                ::std::result::Result::Ok(crate::runtime::paginate::Fetched {
                    items: page.items,
                    next: next.map(|number| {
                        request.body.#number = #set;
                        (crate::runtime::paginate::PageKey::Number(number), request)
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
    let pages_as_docs = format!(
        " The pages as `into_pages` gives them, each item decoded as `T` instead of {}: `Box<serde_json::value::RawValue>` keeps each as the JSON the server sent (serde_json's `raw_value` feature), `serde_json::Value` as a tree of values, and a type of your own decodes only the members it names.",
        item_name(pagination)
    );
    quote! {
        #[doc = #stream_docs]
        #[inline]
        pub fn into_stream(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<#item_type, crate::Error>> + ::std::marker::Send + 'a {
            crate::runtime::paginate::items(#id, self, Self::next_page::<#item_type>)
        }

        #[doc = #pages_docs]
        #[inline]
        pub fn into_pages(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<crate::runtime::paginate::Page<#item_type>, crate::Error>> + ::std::marker::Send + 'a {
            crate::runtime::paginate::pages(#id, self, Self::next_page::<#item_type>)
        }

        #[doc = #pages_as_docs]
        #[inline]
        pub fn into_pages_as<T>(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<crate::runtime::paginate::Page<T>, crate::Error>> + ::std::marker::Send + 'a
        where
            T: ::serde::de::DeserializeOwned + ::std::marker::Send + 'a,
        {
            crate::runtime::paginate::pages(#id, self, Self::next_page::<T>)
        }

        #[inline]
        async fn next_page<T: ::serde::de::DeserializeOwned>(self) -> ::std::result::Result<crate::runtime::paginate::Fetched<T, Self>, crate::Error> {
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

/// What the docs call the item type: `` `AuditLogMessage` ``, or "the item type" when it has no name.
fn item_name(pagination: &Pagination) -> String {
    let (Pagination::Cursor { items, .. } | Pagination::PageNumber { items, .. }) = pagination;
    match &items.ty {
        crate::model::Type::Vec(item) => match item.as_ref() {
            crate::model::Type::Named(name) => format!("`{name}`"),
            _ => "the item type".to_owned(),
        },
        _ => "the item type".to_owned(),
    }
}

/// The page that `receiver` fetches, as `PageParts<T, _>`: sent like the operation, the page's status
/// decoded in one pass into its items and next-page member, another documented success an
/// `Error::UnexpectedResponse`, and any other status the operation's error.
fn fetch_page(op: &Operation, pagination: &Pagination, receiver: TokenStream) -> TokenStream {
    let id = &op.operation_id;
    let (items, next) = match pagination {
        Pagination::Cursor { items, cursor_field, .. } => (items, cursor_field),
        Pagination::PageNumber { items, page_count, .. } => (items, page_count),
    };
    let (items_wire, next_wire, next_type) = (&items.wire_name, &next.wire_name, type_path(&next.ty));
    let make = if items.optional { quote!(new) } else { quote!(required) };
    let seed = quote!(crate::runtime::paginate::PageSeed::<T, #next_type>::#make(#items_wire, #next_wire));
    let message = "the answer is not a page of results; call the operation itself to handle it";
    let arms = successes(op).into_iter().map(|(success, is_page)| {
        let status = super::operations::status_pattern(success.status);
        if is_page {
            quote!(#status => response.decode_seed(#seed),)
        } else {
            quote! {
                #status => ::std::result::Result::Err(crate::runtime::Error::UnexpectedResponse {
                    operation: #id,
                    message: ::std::string::String::from(#message),
                }),
            }
        }
    });
    quote! {
        #receiver
            .client
            .runtime
            .call(#receiver.build_request(), #receiver.timeout, |response| match response.status() {
                #(#arms)*
                _ => ::std::result::Result::Err(response.into_error()),
            })
            .await?
            .into_inner()
    }
}

/// The operation's documented successes in status order, each with whether it is the page.
fn successes(op: &Operation) -> Vec<(&Success, bool)> {
    let page_variant = op.pagination.as_ref().and_then(|pagination| match page_source(pagination) {
        PageSource::Output => None,
        PageSource::Variant(_, variant) => Some(variant.as_str()),
    });
    match &op.output {
        Output::Single(success) => vec![(success, true)],
        Output::Cases { cases, .. } => {
            cases.iter().map(|case| (case, page_variant.is_none_or(|variant| case.variant == variant))).collect()
        }
    }
}

fn item_type(items: &FieldRef) -> TokenStream {
    match &items.ty {
        crate::model::Type::Vec(item) => type_path(item),
        other => type_path(other),
    }
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
        pub async fn wait_for_results(self, options: crate::runtime::wait::WaitOptions) -> ::std::result::Result<crate::operations::#results_builder<'a>, crate::Error> {
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
