// Stylesheets are imported for their side effect; Vite extracts them into a .css file.
declare module '*.css';
