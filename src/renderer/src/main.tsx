import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createTransport } from './transport';
import './styles.css';

const transport = createTransport();
createRoot(document.getElementById('root')!).render(<App transport={transport} />);
