//! Type identity across modules: canonical type ids from the validator, their kinds and
//! declared supertypes, the reference subtyping that import matching needs, and the top of a
//! reference type's hierarchy ([`RefTop`]).

use std::collections::HashMap;

use wasmtime_environ::wasmparser::{
    AbstractHeapType, CompositeInnerType, HeapType, RefType, UnpackedIndex, ValType,
    types::{CoreTypeId, TypesRef},
};

/// What a defined type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    /// A function type.
    Func,
    /// A struct type.
    Struct,
    /// An array type.
    Array,
    /// A continuation type.
    Cont,
}

/// What the runner remembers about one canonical type.
#[derive(Debug, Clone)]
struct TypeInfo {
    kind: TypeKind,
    supertype: Option<CoreTypeId>,
    signature: Option<Signature>,
}

/// A function type's parameters and results, canonicalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Parameter types.
    pub params: Box<[ValType]>,
    /// Result types.
    pub results: Box<[ValType]>,
}

/// Every canonical type seen in a script. One validator validates a whole script, so equal
/// [`CoreTypeId`]s mean equal (canonicalised) types in every module of the script.
#[derive(Debug, Default)]
pub struct TypeRegistry {
    infos: HashMap<CoreTypeId, TypeInfo>,
}

impl TypeRegistry {
    /// Records every type of a just-validated module, and returns the module's type ids in
    /// index order.
    pub fn record_module(&mut self, types: TypesRef<'_>) -> Vec<CoreTypeId> {
        let count = types.core_type_count_in_module();
        let mut ids = Vec::with_capacity(count as usize);
        for index in 0..count {
            let id = types.core_type_at_in_module(index);
            self.record(types, id);
            ids.push(id);
        }
        ids
    }

    fn record(&mut self, types: TypesRef<'_>, id: CoreTypeId) {
        if self.infos.contains_key(&id) {
            return;
        }
        let (kind, signature) = match &types[id].composite_type.inner {
            CompositeInnerType::Func(func) => (
                TypeKind::Func,
                Some(Signature {
                    params: func.params().into(),
                    results: func.results().into(),
                }),
            ),
            CompositeInnerType::Struct(_) => (TypeKind::Struct, None),
            CompositeInnerType::Array(_) => (TypeKind::Array, None),
            CompositeInnerType::Cont(_) => (TypeKind::Cont, None),
        };
        let supertype = types.supertype_of(id);
        self.infos.insert(
            id,
            TypeInfo {
                kind,
                supertype,
                signature,
            },
        );
        if let Some(parent) = supertype {
            self.record(types, parent);
        }
    }

    /// The kind of a recorded type (function when unknown, which only unvalidated input makes).
    pub fn kind(&self, id: CoreTypeId) -> TypeKind {
        self.infos.get(&id).map_or(TypeKind::Func, |info| info.kind)
    }

    /// The signature of a function type.
    pub fn signature(&self, id: CoreTypeId) -> Option<&Signature> {
        self.infos.get(&id).and_then(|info| info.signature.as_ref())
    }

    /// `id` itself followed by its declared supertypes, nearest first.
    pub fn supertype_chain(&self, id: CoreTypeId) -> Vec<CoreTypeId> {
        let mut chain = vec![id];
        let mut current = id;
        while let Some(parent) = self.infos.get(&current).and_then(|info| info.supertype) {
            chain.push(parent);
            current = parent;
        }
        chain
    }

    /// Whether canonical type `sub` is `sup` or declares it as a (transitive) supertype.
    pub fn id_is_subtype(&self, sub: CoreTypeId, sup: CoreTypeId) -> bool {
        self.supertype_chain(sub).contains(&sup)
    }

    /// Reference subtyping over canonicalised reference types.
    pub fn ref_is_subtype(&self, sub: RefType, sup: RefType) -> bool {
        if sub.is_nullable() && !sup.is_nullable() {
            return false;
        }
        self.heap_is_subtype(sub.heap_type(), sup.heap_type())
    }

    /// Value subtyping over canonicalised value types.
    pub fn val_is_subtype(&self, sub: ValType, sup: ValType) -> bool {
        match (sub, sup) {
            (ValType::Ref(sub), ValType::Ref(sup)) => self.ref_is_subtype(sub, sup),
            (sub, sup) => sub == sup,
        }
    }

    fn heap_is_subtype(&self, sub: HeapType, sup: HeapType) -> bool {
        use AbstractHeapType as A;
        let concrete = |ty: HeapType| match ty {
            HeapType::Concrete(UnpackedIndex::Id(id)) | HeapType::Exact(UnpackedIndex::Id(id)) => {
                Some(id)
            }
            _ => None,
        };
        match (sub, sup) {
            _ if sub == sup => true,
            (HeapType::Abstract { ty: a, .. }, HeapType::Abstract { ty: b, .. }) => {
                matches!(
                    (a, b),
                    (A::NoFunc, A::Func)
                        | (A::NoExtern, A::Extern)
                        | (A::NoExn, A::Exn)
                        | (A::NoCont, A::Cont)
                        | (A::None, A::Any | A::Eq | A::I31 | A::Struct | A::Array)
                        | (A::Eq | A::I31 | A::Struct | A::Array, A::Any)
                        | (A::I31 | A::Struct | A::Array, A::Eq)
                )
            }
            (sub, HeapType::Abstract { ty: b, .. }) => match concrete(sub) {
                Some(id) => matches!(
                    (self.kind(id), b),
                    (TypeKind::Func, A::Func)
                        | (TypeKind::Cont, A::Cont)
                        | (TypeKind::Struct, A::Struct | A::Eq | A::Any)
                        | (TypeKind::Array, A::Array | A::Eq | A::Any)
                ),
                None => false,
            },
            (HeapType::Abstract { ty: a, .. }, sup) => match concrete(sup) {
                Some(id) => matches!(
                    (a, self.kind(id)),
                    (A::NoFunc, TypeKind::Func)
                        | (A::NoCont, TypeKind::Cont)
                        | (A::None, TypeKind::Struct | TypeKind::Array)
                ),
                None => false,
            },
            (sub, sup) => match (concrete(sub), concrete(sup)) {
                (Some(a), Some(b)) => self.id_is_subtype(a, b),
                _ => false,
            },
        }
    }
}

/// Resolves heap types that name a type by index, in the scope of one module.
#[derive(Debug, Clone, Copy)]
pub struct TypeScope<'a> {
    /// The script's canonical types.
    pub registry: &'a TypeRegistry,
    /// The module's type index space.
    pub module: &'a [CoreTypeId],
}

impl TypeScope<'_> {
    /// The canonical id of an index, if it names a module type or is already canonical.
    pub fn id_of(&self, index: UnpackedIndex) -> Option<CoreTypeId> {
        match index {
            UnpackedIndex::Module(index) => self.module.get(index as usize).copied(),
            UnpackedIndex::Id(id) => Some(id),
            UnpackedIndex::RecGroup(_) => None,
        }
    }

    /// The hierarchy a concrete type belongs to.
    pub fn top_of_index(&self, index: UnpackedIndex) -> RefTop {
        match self.id_of(index).map(|id| self.registry.kind(id)) {
            Some(TypeKind::Struct | TypeKind::Array) => RefTop::Any,
            Some(TypeKind::Cont) => RefTop::Cont,
            Some(TypeKind::Func) | None => RefTop::Func,
        }
    }
}

/// The top of a reference type's hierarchy, which decides which null a value is and which kind
/// of table can hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefTop {
    /// `func`: functions, stored in funcref tables.
    Func,
    /// `extern`: host values, stored in GC-reference tables.
    Extern,
    /// `any`: GC objects and `i31`s, stored in GC-reference tables.
    Any,
    /// `exn`: exceptions, stored in GC-reference tables.
    Exn,
    /// `cont`: continuations, stored in continuation tables.
    Cont,
}

impl RefTop {
    /// The top of an abstract heap type.
    pub fn of_abstract(ty: AbstractHeapType) -> RefTop {
        use AbstractHeapType as A;
        match ty {
            A::Func | A::NoFunc => RefTop::Func,
            A::Extern | A::NoExtern => RefTop::Extern,
            A::Any | A::None | A::Eq | A::Struct | A::Array | A::I31 => RefTop::Any,
            A::Exn | A::NoExn => RefTop::Exn,
            A::Cont | A::NoCont => RefTop::Cont,
        }
    }

    /// The top of any heap type, looking concrete types up in `types`.
    pub fn of_heap(ty: HeapType, types: &TypeScope<'_>) -> RefTop {
        match ty {
            HeapType::Abstract { ty, .. } => RefTop::of_abstract(ty),
            HeapType::Concrete(index) | HeapType::Exact(index) => types.top_of_index(index),
        }
    }
}
